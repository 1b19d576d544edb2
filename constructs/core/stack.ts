/**
 * The base of every Loom stack: its Terraform backend comes from the spec's `state`, so that
 * every stack of a platform keeps its state in the same place, one key per stack; and its
 * cross-stack outputs are sensitive only when they carry a secret, so that a plan of a consuming
 * stack shows the cluster names, role ARNs and VPC ids it uses (cdktf marks every one sensitive).
 */
import { Construct } from 'constructs';
import { GcsBackend, LocalBackend, S3Backend, TerraformStack, type TerraformOutput } from 'cdktf';
import { s3StateRegion, type PlatformPlan } from '../../plan';

export interface LoomStackProps {
  readonly plan: PlatformPlan;
}

export class LoomStack extends TerraformStack {
  readonly plan: PlatformPlan;

  constructor(scope: Construct, id: string, props: LoomStackProps) {
    super(scope, id);
    this.plan = props.plan;
    configureBackend(this, id, props.plan);
  }

  /** @internal cdktf's hook for a value another stack reads; see {@link isSecretReference}. */
  registerOutgoingCrossStackReference(identifier: string): TerraformOutput {
    const output = super.registerOutgoingCrossStackReference(identifier);
    output.sensitive = isSecretReference(identifier);
    return output;
  }
}

/**
 * Attributes and inputs whose values are secrets (sensitive in their providers' schemas, or by
 * name): access keys' secrets, private keys, passwords, tokens. Terraform refuses an output of
 * such a value that is not marked sensitive, so erring towards sensitive is the safe side.
 */
const SECRET_ATTRIBUTE = /(secret|password|private_key|token|key_material|passphrase|credential)/i;

/** Whether a cross-stack reference (`<type>.<name>.<attribute>…` or `var.<name>`) carries a secret. */
export function isSecretReference(identifier: string): boolean {
  const path = identifier.replace(/^\$\{|\}$/g, '');
  const parts = path.split('.');
  // resource type and name say nothing about the value (`aws_iam_access_key.Harbor` has an `id` too)
  const attribute = parts[0] === 'var' || parts[0] === 'local' ? parts.slice(1).join('.') : parts.slice(2).join('.');
  return SECRET_ATTRIBUTE.test(attribute) || (parts[0] === 'data' && SECRET_ATTRIBUTE.test(parts.slice(3).join('.')));
}

/** Points `stack`'s state at the platform's backend, one state file per stack. */
export function configureBackend(stack: TerraformStack, stackName: string, plan: PlatformPlan): void {
  const state = plan.state;
  switch (state.backend) {
    case 'local':
      new LocalBackend(stack, { path: `${state.path ?? '../../../terraform-state'}/${stackName}.tfstate` });
      break;
    case 's3':
      new S3Backend(stack, {
        bucket: state.bucket,
        key: `${state.prefix}/${stackName}.tfstate`,
        // Validation makes sure there is one (schema/rules.ts).
        region: s3StateRegion(plan.spec) ?? 'us-east-1',
        encrypt: true,
        ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}),
        // An S3-compatible store (MinIO, Ceph RGW, …) has no STS, IAM or instance metadata, often
        // no virtual-host DNS, and may reject the SDK's default checksums.
        ...(state.endpoint
          ? {
              endpoints: { s3: state.endpoint },
              usePathStyle: true,
              skipCredentialsValidation: true,
              skipRegionValidation: true,
              skipRequestingAccountId: true,
              skipMetadataApiCheck: true,
              skipS3Checksum: true,
            }
          : {}),
      });
      // S3-native state locking (Terraform ≥ 1.10); cdktf 0.21's S3Backend predates the option.
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      break;
    case 'gcs':
      new GcsBackend(stack, { bucket: state.bucket, prefix: `${state.prefix}/${stackName}` });
      break;
  }
}
