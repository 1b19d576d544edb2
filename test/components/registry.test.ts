/**
 * The registry, per mode and cloud: Harbor (build) with its image store in S3, GCS or a volume;
 * ECR (buy on AWS); Artifact Registry (buy on Google Cloud); and in each, pull access for every
 * cluster's nodes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { REGISTRY_PROFILES } from '../../plan';
import { COMPONENT_SIZES } from '../../plan/footprints';
import { findResource, findResources } from '../helpers/synth';
import { cleanupSynths, parseInterpolatedJson, releases, resourcesUnder, synthPlatform, valuesOf } from './fixtures';

afterAll(cleanupSynths);

const CLUSTERS = ['apps', 'events', 'training'];
/** `${data.terraform_remote_state.<stack>.outputs.<output>}` of a cluster stack. */
const fromClusterStack = (cluster: string) => new RegExp(`^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-acme-cluster-${cluster}\\.outputs\\.`);

describe('registry: build on AWS (Harbor, images in S3)', () => {
  const out = () => synthPlatform('aws', { registry: 'build' });
  const services = () => out().stacks['acme-services']!;
  const apps = () => out().stacks['acme-addons-apps']!;

  it('installs Harbor on the registry cluster only, pinned, in loom-system', () => {
    const harbor = releases(apps()).harbor!;
    expect(harbor).toMatchObject({ chart: 'harbor', repository: 'https://helm.goharbor.io', version: '1.19.1', atomic: true });
    expect(harbor.namespace).toMatch(/kubernetes_namespace_v1\.Namespaces_System/);
    expect(releases(out().stacks['acme-addons-events']!).harbor).toBeUndefined();
    expect(releases(out().stacks['acme-addons-training']!).harbor).toBeUndefined();
  });

  it("keeps image layers in the services stack's bucket, signed with an access key from a Secret (no IRSA)", () => {
    const values = valuesOf(releases(apps()).harbor!);
    expect(values.persistence.imageChartStorage).toMatchObject({ type: 's3', s3: { region: 'us-east-1', secure: true, existingSecret: 'harbor-image-store' } });
    expect(values.persistence.imageChartStorage.s3.bucket).toMatch(/cross-stack-reference-input-acme-services/);
    // No IRSA: no registry service account, no role annotation anywhere.
    expect(values.registry.serviceAccountName).toBeUndefined();
    expect(findResources(apps(), 'kubernetes_service_account_v1')).toEqual([]);
    expect(JSON.stringify(resourcesUnder({ x: apps() }, 'Registry'))).not.toContain('eks.amazonaws.com/role-arn');
    const secret = findResource(apps(), 'kubernetes_secret_v1', { metadata: { name: 'harbor-image-store' } }) as any;
    expect(Object.keys(secret.data).sort()).toEqual(['REGISTRY_STORAGE_S3_ACCESSKEY', 'REGISTRY_STORAGE_S3_SECRETKEY']);
    expect(secret.data.REGISTRY_STORAGE_S3_ACCESSKEY).toMatch(/cross-stack-reference-input-acme-services\.outputs\.\S*aws_iam_access_key\S*id\}$/);
    expect(secret.data.REGISTRY_STORAGE_S3_SECRETKEY).toMatch(/cross-stack-reference-input-acme-services\.outputs\.\S*aws_iam_access_key\S*secret\}$/);
    // A rotated key (new id) rolls the registry pods onto the new Secret.
    expect(values.registry.podAnnotations['loom.dev/access-key-id']).toBe(secret.data.REGISTRY_STORAGE_S3_ACCESSKEY);
    const release = findResource(apps(), 'helm_release', { name: 'harbor' }) as any;
    expect(release.depends_on).toContain('kubernetes_secret_v1.Registry_ImageStoreCredentials_34EDC4F3');
  });

  it('makes the bucket private, versioned, KMS-encrypted and TLS-only', () => {
    const s = services();
    expect(findResource(s, 'aws_s3_bucket')).toMatchObject({ bucket_prefix: 'acme-harbor-', tags: { 'loom.dev/component': 'registry' } });
    expect(findResource(s, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(findResource(s, 'aws_s3_bucket_versioning')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
    expect(findResource(s, 'aws_s3_bucket_ownership_controls')).toMatchObject({ rule: { object_ownership: 'BucketOwnerEnforced' } });
    const sse = findResource(s, 'aws_s3_bucket_server_side_encryption_configuration') as any;
    expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(findResource(s, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true });
    const policy = JSON.parse(String(findResource(s, 'aws_s3_bucket_policy').policy));
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  it('gives the image store to an IAM user that may touch that bucket and key only, and no IRSA role', () => {
    expect(findResources(services(), 'aws_iam_role', { name: 'acme-harbor' })).toEqual([]);
    expect(findResource(services(), 'aws_iam_user')).toMatchObject({ name: 'acme-harbor', path: '/loom/' });
    expect(findResource(services(), 'aws_iam_access_key').user).toMatch(/aws_iam_user\.Registry_ImageStore_User/);
    const policy = findResource(services(), 'aws_iam_user_policy', { name: 'image-store' }) as any;
    expect(policy.user).toMatch(/aws_iam_user\.Registry_ImageStore_User/);
    const access = parseInterpolatedJson(String(policy.policy));
    expect(access.Statement.flatMap((s: any) => s.Action)).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 'kms:Decrypt']));
    for (const statement of access.Statement) expect(JSON.stringify(statement.Resource)).toMatch(/aws_s3_bucket\.Registry_ImageStore_Bucket|aws_kms_key\.Registry_ImageStore_Key/);
    // The key names its users: the account administers, only Harbor's user encrypts and decrypts.
    const key = parseInterpolatedJson(String(findResource(services(), 'aws_kms_key').policy));
    const usage = key.Statement.find((s: any) => s.Sid === 'KeyUsage');
    expect(usage.Principal.AWS).toEqual(['<ref:aws_iam_user.Registry_ImageStore_User_B3531197.arn>']);
    expect(key.Statement.find((s: any) => s.Sid === 'KeyAdministration').Principal.AWS[0]).toMatch(/^arn:<ref:data\.aws_partition\.\S+>:iam::<ref:data\.aws_caller_identity\.\S+>:root$/);
  });

  it('takes its secrets from sensitive variables, never from chart defaults', () => {
    const harbor = releases(apps()).harbor!;
    expect(harbor.set_sensitive.map((s: any) => s.name)).toEqual(['harborAdminPassword', 'secretKey', 'database.internal.password', 'registry.credentials.password']);
    expect(JSON.stringify(harbor.values)).not.toMatch(/var\.harbor_(admin_password|secret_key|robot_secret)/);
    expect(harbor.set_sensitive[0].value).toBe('${var.harbor_admin_password}');
    expect(harbor.set_sensitive[2].value).toMatch(/sha256\(format\("%s:database", var\.harbor_secret_key\)\)/);
    const variables = (apps() as any).variable;
    expect(variables.harbor_admin_password).toMatchObject({ sensitive: true, nullable: false, type: 'string' });
    expect(variables.harbor_secret_key.validation[0].condition).toBe('${length(var.harbor_secret_key) == 16}');
    expect(JSON.stringify(valuesOf(harbor))).not.toMatch(/Harbor12345|not-a-secure-key|changeit/);
  });

  it('serves Harbor at its hostname through an internal load balancer open to the platform network', () => {
    const values = valuesOf(releases(apps()).harbor!);
    expect(values.externalURL).toBe('https://harbor.acme.internal');
    expect(values.expose).toMatchObject({
      type: 'loadBalancer',
      tls: { enabled: true, certSource: 'secret', secret: { secretName: 'harbor-tls' } },
      loadBalancer: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' }, sourceRanges: ['10.0.0.0/16'] },
    });
    // The platform's own private project, not Harbor's public `library`.
    expect(apps().output?.registry_url?.value).toBe('harbor.acme.internal/acme');
  });
});

describe('registry: build on Google Cloud (Harbor, images in GCS)', () => {
  const out = () => synthPlatform('gcp', { registry: 'build' });
  const services = () => out().stacks['acme-services']!;

  it('keeps image layers in a private, versioned GCS bucket through Workload Identity', () => {
    expect(findResource(services(), 'google_storage_bucket')).toMatchObject({
      name: 'acme-ml-prod-acme-harbor',
      location: 'us-central1',
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      labels: { 'loom-component': 'registry' },
    });
    expect(findResource(services(), 'google_service_account')).toMatchObject({ account_id: 'acme-harbor', project: 'acme-ml-prod' });
    expect(findResource(services(), 'google_service_account_iam_member')).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:acme-ml-prod.svc.id.goog[loom-system/harbor-registry]',
    });
    expect(findResources(services(), 'google_storage_bucket_iam_member').map((m) => m.role).sort()).toEqual(['roles/storage.legacyBucketReader', 'roles/storage.objectAdmin']);
    const apps = out().stacks['acme-addons-apps']!;
    expect(valuesOf(releases(apps).harbor!).persistence.imageChartStorage).toMatchObject({ type: 'gcs', gcs: { useWorkloadIdentity: true } });
    const sa = findResource(apps, 'kubernetes_service_account_v1', { metadata: { name: 'harbor-registry' } }) as any;
    expect(sa.metadata.annotations['iam.gke.io/gcp-service-account']).toMatch(/cross-stack-reference-input-acme-services/);
    expect(valuesOf(releases(apps).harbor!).expose.loadBalancer.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
  });

  it('names its project, region and the platform labels on every Google resource', () => {
    for (const r of resourcesUnder(out().stacks, 'Registry').filter((r) => r.type.startsWith('google_'))) {
      if ('project' in r.body) expect(r.body.project, r.name).toBe('acme-ml-prod');
      if ('location' in r.body) expect(r.body.location, r.name).toBe('us-central1');
      if ('labels' in r.body) expect(r.body.labels, r.name).toMatchObject({ 'loom-platform': 'acme', 'cost-center': 'ml' });
    }
  });
});

describe('registry: build on existing clusters (Harbor, images on a volume)', () => {
  const out = () => synthPlatform('kubernetes', { registry: 'build' });

  it('uses a persistent volume sized for the environment, and no cloud at all', () => {
    expect(out().stacks['lab-services']).toBeUndefined();
    const values = valuesOf(releases(out().stacks['lab-addons-apps']!).harbor!);
    expect(values.persistence.imageChartStorage).toEqual({ type: 'filesystem', filesystem: { rootdirectory: '/storage' } });
    expect(values.persistence.persistentVolumeClaim.registry.size).toBe(`${REGISTRY_PROFILES.prod.harborStorageGi}Gi`);
    expect(values.updateStrategy).toEqual({ type: 'Recreate' });
    // No cloud identity and no access key: the registry pods carry their requests only.
    expect(Object.keys(values.registry).sort()).toEqual(['controller', 'registry']);
    expect(values.expose.loadBalancer.annotations).toEqual({});
    expect(values.expose.loadBalancer.sourceRanges).toBeUndefined();
    expect(findResources(out().stacks['lab-addons-apps']!, 'kubernetes_service_account_v1')).toEqual([]);
  });
});

describe('registry: build — every Harbor pod has the requests loom cost prices', () => {
  const out = () => synthPlatform('kubernetes', { registry: 'build' });

  it('sets each service\'s requests and memory limit from the footprint table (none BestEffort)', () => {
    const values = valuesOf(releases(out().stacks['lab-addons-apps']!).harbor!);
    const at: Record<keyof typeof COMPONENT_SIZES.harbor, unknown> = {
      nginx: values.nginx,
      portal: values.portal,
      core: values.core,
      jobservice: values.jobservice,
      registry: values.registry.registry,
      registryController: values.registry.controller,
      trivy: values.trivy,
      database: values.database.internal,
      redis: values.redis.internal,
      exporter: values.exporter,
    };
    for (const [service, size] of Object.entries(COMPONENT_SIZES.harbor)) {
      expect((at as Record<string, { resources: unknown }>)[service]!.resources, service).toEqual({ requests: { cpu: size.cpu, memory: size.memory }, limits: { memory: size.memoryLimit } });
    }
    // The certificate's hash still rolls nginx onto a renewed certificate.
    expect(values.nginx.podAnnotations['loom.dev/certificate-sha256']).toMatch(/sha256\(tls_locally_signed_cert\./);
  });
});

describe('registry: buy on AWS (ECR)', () => {
  const out = () => synthPlatform('aws', { registry: 'buy' });
  const services = () => out().stacks['acme-services']!;

  it('creates one immutable, scanned, KMS-encrypted repository per listed name', () => {
    const repos = findResources(services(), 'aws_ecr_repository');
    expect(repos.map((r) => r.name).sort()).toEqual(['acme/images', 'acme/models']);
    for (const repo of repos) {
      expect(repo).toMatchObject({
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        tags: { 'loom.dev/component': 'registry' },
      });
      expect((repo as any).encryption_configuration[0]).toMatchObject({ encryption_type: 'KMS', kms_key: expect.stringMatching(/aws_kms_key\.Registry_Key/) });
    }
    expect(findResource(services(), 'aws_kms_key')).toMatchObject({ enable_key_rotation: true });
    expect(findResource(services(), 'aws_kms_alias')).toMatchObject({ name: 'alias/acme-registry' });
  });

  it('expires untagged images and keeps the last tagged ones, sized for prod', () => {
    const policies = findResources(services(), 'aws_ecr_lifecycle_policy');
    expect(policies).toHaveLength(2);
    const rules = JSON.parse(String(policies[0]!.policy)).rules;
    expect(rules[0].selection).toMatchObject({ tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: REGISTRY_PROFILES.prod.untaggedExpiryDays });
    expect(rules[1].selection).toMatchObject({ tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: REGISTRY_PROFILES.prod.keepTaggedImages });
  });

  it("lets every cluster's node role pull, and only pull", () => {
    for (const policy of findResources(services(), 'aws_ecr_repository_policy')) {
      const statement = JSON.parse(String(policy.policy)).Statement[0];
      expect(statement.Action).toEqual(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
      expect(statement.Principal.AWS).toHaveLength(CLUSTERS.length);
      CLUSTERS.forEach((c, i) => expect(statement.Principal.AWS[i]).toMatch(fromClusterStack(c)));
      expect(statement.Principal.AWS[0]).toMatch(/aws_iam_roleCluster_NodeRole/);
    }
  });

  it('installs nothing in the clusters and outputs the registry URL', () => {
    for (const c of CLUSTERS) expect(resourcesUnder({ x: out().stacks[`acme-addons-${c}`]! }, 'Registry')).toEqual([]);
    expect(String(services().output?.registry_url?.value)).toMatch(/^\$\{aws_ecr_repository\.Registry_Repositories_images_\w+\.registry_id\}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/acme$/);
  });
});

describe('registry: buy on Google Cloud (Artifact Registry)', () => {
  const out = () => synthPlatform('gcp', { registry: 'buy' });
  const services = () => out().stacks['acme-services']!;

  it('creates one Docker repository with immutable tags, scanning and cleanup policies', () => {
    expect(findResource(services(), 'google_artifact_registry_repository')).toMatchObject({
      repository_id: 'acme',
      project: 'acme-ml-prod',
      location: 'us-central1',
      format: 'DOCKER',
      mode: 'STANDARD_REPOSITORY',
      docker_config: { immutable_tags: true },
      vulnerability_scanning_config: { enablement_config: 'INHERITED' },
      cleanup_policy_dry_run: false,
      labels: { 'loom-component': 'registry', 'loom-platform': 'acme' },
    });
    const policies = (findResource(services(), 'google_artifact_registry_repository') as any).cleanup_policies;
    expect(policies.map((p: any) => [p.id, p.action])).toEqual([
      ['delete-untagged', 'DELETE'],
      ['delete-old-tagged', 'DELETE'],
      ['keep-recent-tagged', 'KEEP'],
    ]);
    expect(policies[2].most_recent_versions.keep_count).toBe(REGISTRY_PROFILES.prod.keepTaggedImages);
  });

  it("grants artifactregistry.reader on the repository to every cluster's node service account", () => {
    const grants = findResources(services(), 'google_artifact_registry_repository_iam_member');
    expect(grants).toHaveLength(CLUSTERS.length);
    CLUSTERS.forEach((c) => {
      const grant = grants.find((g) => fromClusterStack(c).test(String(g.member).replace(/^serviceAccount:/, '')));
      expect(grant, c).toMatchObject({ role: 'roles/artifactregistry.reader', location: 'us-central1', project: 'acme-ml-prod' });
    });
    expect(String(services().output?.registry_url?.value)).toMatch(/^us-central1-docker\.pkg\.dev\/acme-ml-prod\/\$\{google_artifact_registry_repository\.\w+\.repository_id\}$/);
  });

  it('installs nothing in the clusters', () => {
    for (const c of CLUSTERS) expect(resourcesUnder({ x: out().stacks[`acme-addons-${c}`]! }, 'Registry')).toEqual([]);
  });
});
