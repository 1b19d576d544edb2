/**
 * Where each endpoint's model is read from, and the grants that let serving's identity read it:
 * a path inside the experiment tracking component's artifact store (`<modelStoreUri>/<model>`,
 * granted through that store's own `grant`), or a full `s3://` / `gs://` URI, granted here on
 * exactly that prefix (S3: list the prefix, get its objects) or bucket (Cloud Storage: object
 * viewer — Cloud Storage IAM has no prefix scope). A bucket encrypted with a customer-managed KMS
 * key of its own also needs that key's policy to let the identity decrypt; Loom's own buckets
 * (the artifact store) grant their key with the store's grant.
 */
import type { Construct } from 'constructs';
import { PlatformValidationError } from '../../core/errors';
import type { PolicyDocument, PolicyStatement } from '../../aws/addon-policies';
import { modelBucket, modelScheme } from '../../../schema/serving-rules';
import type { ServingEndpointSpec } from '../../../schema/schema';
import type { ServingConsumes } from './contract';

/** An endpoint's model, located. */
export interface ModelLocation {
  /** The model's URI (`s3://…` or `gs://…`), without a trailing slash. */
  readonly uri: string;
  /** Whether it is inside the artifact store (granted through `modelStore`) rather than a full URI of the spec. */
  readonly inArtifactStore: boolean;
}

/** Where `endpoint`'s model is: `<modelStoreUri>/<model>`, or the spec's full URI. */
export function modelLocation(endpoint: Pick<ServingEndpointSpec, 'name' | 'model'>, consumes: Pick<ServingConsumes, 'modelStoreUri'>): ModelLocation {
  const model = endpoint.model.replace(/\/+$/, '');
  if (modelScheme(model)) return { uri: model, inArtifactStore: false };
  if (!consumes.modelStoreUri) {
    throw new PlatformValidationError(
      `serving endpoint '${endpoint.name}': model '${endpoint.model}' is a path inside the experiment tracking component's artifact store, and serving was given none; pass modelStoreUri (IExperimentTracking.artifactUri) or give a full s3:// or gs:// URI`,
    );
  }
  return { uri: `${consumes.modelStoreUri}/${model}`, inArtifactStore: true };
}

/**
 * The inline policy that lets a role read the models at `uris` (full `s3://` URIs outside the
 * artifact store): list each prefix, get its objects.
 */
export function s3ModelReadPolicy(partition: string, uris: readonly string[]): PolicyDocument {
  const statements: PolicyStatement[] = [];
  uris.forEach((uri, i) => {
    const { bucket, prefix } = modelBucket(uri);
    const bucketArn = `arn:${partition}:s3:::${bucket}`;
    statements.push({
      Sid: `ListModel${i}`,
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: bucketArn,
      ...(prefix ? { Condition: { StringLike: { 's3:prefix': [prefix, `${prefix}/*`] } } } : {}),
    });
    statements.push({ Sid: `ReadModel${i}`, Effect: 'Allow', Action: ['s3:GetObject'], Resource: prefix ? `${bucketArn}/${prefix}/*` : `${bucketArn}/*` });
  });
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Lets the Google service account `email` read the models at `uris` (full `gs://` URIs outside the
 * artifact store): object viewer on each bucket, once per bucket.
 */
export function grantGcsModelRead(scope: Construct, email: string, uris: readonly string[]): void {
  const { StorageBucketIamMember } = require('@cdktf/provider-google/lib/storage-bucket-iam-member') as typeof import('@cdktf/provider-google/lib/storage-bucket-iam-member');
  const buckets = [...new Set(uris.map((u) => modelBucket(u).bucket))];
  buckets.forEach((bucket, i) => new StorageBucketIamMember(scope, `ModelBucket${i}`, { bucket, role: 'roles/storage.objectViewer', member: `serviceAccount:${email}` }));
}

/** The full URIs among `locations` (those granted here rather than through the artifact store). */
export const foreignModelUris = (locations: readonly ModelLocation[]): string[] => [...new Set(locations.filter((l) => !l.inArtifactStore).map((l) => l.uri))];
