/**
 * The IAM rules: per rule and provider a non-compliant, a compliant, an attribute-omitted (the
 * provider's default) and, for value checks, an unresolved-reference fixture, asserting the exact
 * findings; then each rule over every example, asserting the exact findings there (each explained).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PolicyRule, SynthStack } from '../../../policies/types';
import { IAM_RULES } from '../../../policies/rules/iam';
import { IAM_001 } from '../../../policies/rules/iam/iam-001';
import { IAM_002 } from '../../../policies/rules/iam/iam-002';
import { IAM_003 } from '../../../policies/rules/iam/iam-003';
import { IAM_004 } from '../../../policies/rules/iam/iam-004';
import { IAM_005 } from '../../../policies/rules/iam/iam-005';
import { IAM_006 } from '../../../policies/rules/iam/iam-006';
import { IAM_007 } from '../../../policies/rules/iam/iam-007';
import { IAM_008 } from '../../../policies/rules/iam/iam-008';
import { isUnscopableAction } from '../../../policies/rules/iam/unscopable-actions';
import { parsePolicyJson } from '../../../policies/rules/iam/policy-document';
import { specFrom } from '../../helpers/synth';
import { addresses, EXAMPLES, exampleStacks, fixtureStack, runRule, specStacks, type Resources, type StackExtras } from '../helpers';

const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const stack = (resources: Resources, extras?: StackExtras) => fixtureStack('s', resources, extras);
const run = (rule: PolicyRule, s: SynthStack | SynthStack[]) => addresses(runRule(rule, s));

/** `address [detail]` of each finding of `rule` on an example. */
const onExample = (rule: PolicyRule, file: string) => {
  const { stacks, settings } = exampleStacks(file);
  return addresses(runRule(rule, stacks, settings));
};

describe('policy documents', () => {
  it('reads JSON whose interpolations hold quotes (the IRSA trust policies Loom writes)', () => {
    const text = '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, "https://", "")}:sub":"system:serviceaccount:a:b"}}}]}';
    const read = parsePolicyJson(text);
    expect(read.statements?.[0]?.conditions[0]?.variable).toBe('${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, "https://", "")}:sub');
  });
  it('knows which actions have no resource-level permissions', () => {
    for (const a of ['ec2:DescribeInstances', 'ecr:GetAuthorizationToken', 'sts:GetCallerIdentity', 'autoscaling:Describe*', 'acm:ListCertificates']) expect(isUnscopableAction(a), a).toBe(true);
    for (const a of ['s3:GetObject', 'eks:DescribeNodegroup', 'ec2:Describe*', 'ec2:CreateSecurityGroup', 'unknownsvc:List']) expect(isUnscopableAction(a), a).toBe(false);
  });
});

describe('LOOM-IAM-001 no admin or wildcard IAM', () => {
  const policy = (p: unknown) => stack({ aws_iam_policy: { p: { name: 'p', policy: p } } });

  it('fails admin (CRITICAL), service wildcards and Resource "*" on scopable actions, each its own finding', () => {
    const admin = runRule(IAM_001, policy(doc({ Effect: 'Allow', Action: '*', Resource: '*' })));
    expect(addresses(admin)).toEqual(['aws_iam_policy.p [Action::*]']);
    expect(admin[0]!.severity).toBe('CRITICAL');
    expect(admin[0]!.suppressible).toBe(false);
    const wild = runRule(IAM_001, policy(doc({ Effect: 'Allow', Action: ['s3:*', 'kms:Decrypt'], Resource: '*' })));
    expect(addresses(wild)).toEqual(['aws_iam_policy.p [Action::s3:*]', 'aws_iam_policy.p [Resource::*]']);
    expect(wild.map((f) => f.severity)).toEqual(['HIGH', 'HIGH']);
    expect(run(IAM_001, stack({ aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } } }))).toEqual(['aws_iam_role_policy_attachment.a [Policy::AdministratorAccess]']);
    expect(run(IAM_001, stack({ google_project_iam_member: { m: { project: 'p', role: 'roles/owner', member: 'user:a@example.com' } } }))).toEqual(['google_project_iam_member.m [Role::roles/owner]']);
    expect(run(IAM_001, stack({ google_project_iam_member: { m: { project: 'p', role: 'roles/container.admin', member: 'serviceAccount:x@p.iam.gserviceaccount.com' } } }))).toEqual(['google_project_iam_member.m [Role::roles/container.admin]']);
  });

  it('passes scoped actions, unscopable actions on "*", and "*" narrowed by a condition (as the Load Balancer Controller writes it)', () => {
    expect(run(IAM_001, policy(doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*' }, { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'ecr:GetAuthorizationToken', 'sts:GetCallerIdentity'], Resource: '*' })))).toEqual([]);
    expect(run(IAM_001, policy(doc({ Effect: 'Allow', Action: ['ec2:DeleteSecurityGroup'], Resource: '*', Condition: { Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } } })))).toEqual([]);
    expect(run(IAM_001, policy(doc({ Effect: 'Deny', Action: '*', Resource: '*' })))).toEqual([]);
    expect(run(IAM_001, stack({ google_project_iam_member: { m: { project: 'p', role: 'roles/logging.logWriter', member: 'serviceAccount:x@p.iam.gserviceaccount.com' } } }))).toEqual([]);
  });

  it('omitted Effect is Allow, and a transport-only condition narrows nothing', () => {
    expect(run(IAM_001, policy(doc({ Action: 's3:PutObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } })))).toEqual(['aws_iam_policy.p [Resource::*]']);
  });

  it('follows a data.aws_iam_policy_document of the stack; reports an unreadable document as unknown', () => {
    const withData = stack(
      { aws_iam_role_policy: { p: { role: 'r', policy: '${data.aws_iam_policy_document.d.json}' } } },
      { data: { aws_iam_policy_document: { d: { statement: [{ actions: ['iam:*'], resources: ['*'] }] } } } },
    );
    expect(run(IAM_001, withData)).toEqual(['aws_iam_role_policy.p [Action::iam:*]', 'aws_iam_role_policy.p [Resource::*]']);
    expect(run(IAM_001, policy('${jsonencode(var.policy)}'))).toEqual(['aws_iam_policy.p (unknown)']);
    expect(run(IAM_001, policy('${data.aws_iam_policy_document.missing.json}'))).toEqual(['aws_iam_policy.p (unknown)']);
  });

  it('finds on the examples only the Load Balancer Controller\'s Resource "*" grant, once per EKS cluster', () => {
    const lbc = 'aws_iam_role_policy.Cluster_LoadBalancerControllerRole_InlinePolicy_1B815B0B [Resource::*]';
    expect(onExample(IAM_001, 'aws-platform.yaml')).toEqual([lbc, lbc, lbc]);
    expect(onExample(IAM_001, 'aws-buy-everything.yaml')).toEqual([lbc]);
    expect(onExample(IAM_001, 'aws-minimal.yaml')).toEqual([lbc]);
    expect(onExample(IAM_001, 'gcp-platform.yaml')).toEqual([]);
    expect(onExample(IAM_001, 'onprem-sovereign.yaml')).toEqual([]);
  });
});

describe('LOOM-IAM-002 workload-identity trust is scoped', () => {
  const issuer = '${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, "https://", "")}';
  const irsa = (condition?: Record<string, unknown>) =>
    stack({ aws_iam_role: { r: { name: 'r', assume_role_policy: doc({ Effect: 'Allow', Principal: { Federated: '${aws_iam_openid_connect_provider.p.arn}' }, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition ? { Condition: condition } : {}) }) } } });

  it('fails IRSA without sub/aud pinning, StringLike subs, and Principal "*"', () => {
    expect(run(IAM_002, irsa({ StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' } }))).toEqual(['aws_iam_role.r [Condition::sub]']);
    expect(run(IAM_002, irsa({ StringLike: { [`${issuer}:sub`]: 'system:serviceaccount:*:*' }, StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' } }))).toEqual(['aws_iam_role.r [Condition::sub]']);
    expect(run(IAM_002, stack({ aws_iam_role: { r: { assume_role_policy: doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }) } } }))).toEqual(['aws_iam_role.r [Principal::*]']);
    expect(run(IAM_002, stack({ google_service_account_iam_member: { m: { service_account_id: 'x', role: 'roles/iam.workloadIdentityUser', member: 'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*' } } }))).toEqual([
      'google_service_account_iam_member.m [Member::principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*]',
    ]);
  });

  it('passes StringEquals on :sub and :aud, service principals, and one KSA per GKE binding', () => {
    expect(run(IAM_002, irsa({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:ns:sa', [`${issuer}:aud`]: 'sts.amazonaws.com' } }))).toEqual([]);
    expect(run(IAM_002, stack({ aws_iam_role: { r: { assume_role_policy: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }) } } }))).toEqual([]);
    expect(run(IAM_002, stack({ google_service_account_iam_member: { m: { service_account_id: 'x', role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:p.svc.id.goog[ns/sa]' } } }))).toEqual([]);
  });

  it('omitted Condition leaves both sub and aud open; an omitted attribute_condition opens the pool', () => {
    expect(run(IAM_002, irsa())).toEqual(['aws_iam_role.r [Condition::sub]', 'aws_iam_role.r [Condition::aud]']);
    expect(run(IAM_002, stack({ google_iam_workload_identity_pool_provider: { p: { workload_identity_pool_id: 'p', workload_identity_pool_provider_id: 'x' } } }))).toEqual(['google_iam_workload_identity_pool_provider.p [AttributeCondition]']);
  });

  it('reports an unresolvable trust document or sub as unknown', () => {
    expect(run(IAM_002, stack({ aws_iam_role: { r: { assume_role_policy: '${data.aws_iam_policy_document.gone.json}' } } }))).toEqual(['aws_iam_role.r (unknown)']);
    expect(run(IAM_002, irsa({ StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:${var.ns}:sa', [`${issuer}:aud`]: 'sts.amazonaws.com' } }))).toEqual(['aws_iam_role.r (unknown)']);
  });

  it('finds nothing in the examples (every IRSA role pins :sub and :aud; every GKE binding names one KSA)', () => {
    for (const f of EXAMPLES) expect(onExample(IAM_002, f), f).toEqual([]);
  });
});

describe('LOOM-IAM-003 node identities are dedicated and minimal', () => {
  const pool = (node_config: Record<string, unknown>, extra: Resources = {}) =>
    stack({ google_service_account: { n: { account_id: 'nodes' } }, google_container_node_pool: { p: { cluster: 'c', node_config } }, ...extra });
  const eks = (extra: Resources) =>
    stack({
      aws_iam_role: { n: { name: 'nodes', assume_role_policy: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }) } },
      aws_eks_node_group: { g: { cluster_name: 'c', node_role_arn: '${aws_iam_role.n.arn}' } },
      ...extra,
    });

  it('fails the Compute default account, extra project roles, and extra node-role policies', () => {
    expect(run(IAM_003, pool({ service_account: '123-compute@developer.gserviceaccount.com' }))).toEqual(['google_container_node_pool.p [DefaultServiceAccount]']);
    expect(run(IAM_003, pool({ service_account: '${google_service_account.n.email}' }, { google_project_iam_member: { m: { project: 'p', role: 'roles/storage.admin', member: 'serviceAccount:${google_service_account.n.email}' } } }))).toEqual([
      'google_project_iam_member.m [Role::roles/storage.admin]',
    ]);
    expect(run(IAM_003, eks({ aws_iam_role_policy_attachment: { a: { role: '${aws_iam_role.n.name}', policy_arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' } }, aws_iam_role_policy: { i: { role: '${aws_iam_role.n.id}', policy: doc({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }) } } }))).toEqual([
      'aws_iam_role_policy_attachment.a [Policy::AmazonS3FullAccess]',
      'aws_iam_role_policy.i [InlinePolicy]',
    ]);
  });

  it('passes a dedicated account with node roles, and a node role with the node policies', () => {
    expect(run(IAM_003, pool({ service_account: '${google_service_account.n.email}' }, { google_project_iam_member: { m: { project: 'p', role: 'roles/logging.logWriter', member: 'serviceAccount:${google_service_account.n.email}' } } }))).toEqual([]);
    expect(run(IAM_003, eks({ aws_iam_role_policy_attachment: { a: { role: '${aws_iam_role.n.name}', policy_arn: 'arn:${data.aws_partition.p.partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy' } } }))).toEqual([]);
  });

  it('omitted service_account is the Compute default account', () => {
    expect(run(IAM_003, pool({ machine_type: 'e2-standard-4' }))).toEqual(['google_container_node_pool.p [DefaultServiceAccount]']);
  });

  it('reports an unresolvable service account or policy as unknown', () => {
    expect(run(IAM_003, pool({ service_account: '${var.nodes}' }))).toEqual(['google_container_node_pool.p (unknown)']);
    expect(run(IAM_003, eks({ aws_iam_role_policy_attachment: { a: { role: '${aws_iam_role.n.name}', policy_arn: '${var.policy}' } } }))).toEqual(['aws_iam_role_policy_attachment.a (unknown)']);
  });

  it('finds nothing in the examples (dedicated node accounts and roles with the node policies only)', () => {
    for (const f of EXAMPLES) expect(onExample(IAM_003, f), f).toEqual([]);
  });
});

describe('LOOM-IAM-004 no long-lived credentials; secrets rotate', () => {
  it('fails users, access keys, service-account keys and project-wide TokenCreator', () => {
    expect(run(IAM_004, stack({ aws_iam_user: { u: { name: 'u' } }, aws_iam_access_key: { k: { user: '${aws_iam_user.u.name}' } } }))).toEqual(['aws_iam_user.u [User]', 'aws_iam_access_key.k [AccessKey]']);
    expect(run(IAM_004, stack({ google_service_account_key: { k: { service_account_id: 'x' } } }))).toEqual(['google_service_account_key.k [ServiceAccountKey]']);
    expect(run(IAM_004, stack({ google_project_iam_member: { m: { project: 'p', role: 'roles/iam.serviceAccountTokenCreator', member: 'user:a@example.com' } } }))).toEqual(['google_project_iam_member.m [Role::roles/iam.serviceAccountTokenCreator]']);
  });

  it('passes a rotated secret with a CMK', () => {
    expect(
      run(IAM_004, stack({ aws_secretsmanager_secret: { s: { name: 's', kms_key_id: '${aws_kms_key.k.arn}' } }, aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}', rotation_lambda_arn: 'x' } } })),
    ).toEqual([]);
  });

  it('omitted kms_key_id is the AWS-managed key (MEDIUM, HIGH in regulated), and no rotation resource means no rotation', () => {
    const found = runRule(IAM_004, stack({ aws_secretsmanager_secret: { s: { name: 's' } } }));
    expect(addresses(found)).toEqual(['aws_secretsmanager_secret.s [Rotation]', 'aws_secretsmanager_secret.s [CMK]']);
    expect(found[0]!.severity).toEqual({ baseline: 'MEDIUM', regulated: 'HIGH' });
  });

  it('reports a role decided at apply time as unknown; a CMK reference counts as set', () => {
    expect(run(IAM_004, stack({ google_project_iam_member: { m: { project: 'p', role: '${var.role}', member: 'user:a@example.com' } } }))).toEqual(['google_project_iam_member.m (unknown)']);
  });

  it("finds Harbor's S3 image-store user and key when Harbor is built on AWS — a genuine exception (goharbor/harbor#22690)", () => {
    const raw = parseYaml(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'aws-platform.yaml'), 'utf8')) as { components: Record<string, unknown> };
    raw.components.registry = { mode: 'build', repositories: ['images', 'models', 'training'] };
    const { stacks } = specStacks(specFrom(raw));
    const found = runRule(IAM_004, stacks);
    expect(addresses(found)).toEqual(['aws_iam_user.Registry_ImageStore_User_B3531197 [User]', 'aws_iam_access_key.Registry_ImageStore_AccessKey_9E762F37 [AccessKey]']);
    expect(found[0]!.message).toMatch(/distribution 2\.8 cannot use IRSA/);
    // The user's own policy is scoped to its bucket and key, and the bucket is private.
    expect(addresses(runRule(IAM_001, stacks)).filter((a) => a.startsWith('aws_iam_user_policy'))).toEqual([]);
    expect(addresses(runRule(IAM_007, stacks))).toEqual([]);
  });

  it('finds nothing in the examples (no users, keys or Secrets Manager secrets)', () => {
    for (const f of EXAMPLES) expect(onExample(IAM_004, f), f).toEqual([]);
  });
});

describe('LOOM-IAM-005 Kubernetes RBAC is least-privilege', () => {
  const role = (rule: Record<string, unknown>) => stack({ kubernetes_cluster_role_v1: { r: { metadata: { name: 'r' }, rule: [rule] } } });
  const binding = (roleName: string, subject: Record<string, unknown>) =>
    stack({ kubernetes_cluster_role_binding_v1: { b: { metadata: { name: 'b' }, role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subject: [subject] } } });

  it('fails wildcards, escalation verbs, cluster-admin for a team and anonymous bindings', () => {
    expect(run(IAM_005, role({ api_groups: [''], resources: ['*'], verbs: ['*'] }))).toEqual(['kubernetes_cluster_role_v1.r [Verbs::*]', 'kubernetes_cluster_role_v1.r [Resources::*]']);
    expect(run(IAM_005, role({ api_groups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind', 'escalate'] }))).toEqual(['kubernetes_cluster_role_v1.r [Verb::bind]', 'kubernetes_cluster_role_v1.r [Verb::escalate]']);
    expect(run(IAM_005, binding('cluster-admin', { kind: 'Group', name: 'team-a' }))).toEqual(['kubernetes_cluster_role_binding_v1.b [ClusterAdmin::team-a]']);
    expect(run(IAM_005, binding('view', { kind: 'Group', name: 'system:unauthenticated' }))).toEqual(['kubernetes_cluster_role_binding_v1.b [Subject::system:unauthenticated]']);
  });

  it('passes listed verbs and resources, and a team bound to a narrow role', () => {
    expect(run(IAM_005, role({ api_groups: [''], resources: ['pods'], verbs: ['get', 'list'] }))).toEqual([]);
    expect(run(IAM_005, binding('view', { kind: 'Group', name: 'team-a' }))).toEqual([]);
  });

  it('omitted verbs/resources grant nothing', () => {
    expect(run(IAM_005, role({ non_resource_urls: ['/metrics'], verbs: ['get'] }))).toEqual([]);
  });

  it('reports verbs decided at apply time as unknown', () => {
    expect(run(IAM_005, role({ api_groups: [''], resources: ['pods'], verbs: '${var.verbs}' }))).toEqual(['kubernetes_cluster_role_v1.r (unknown)']);
  });

  it('finds nothing in the examples', () => {
    for (const f of EXAMPLES) expect(onExample(IAM_005, f), f).toEqual([]);
  });
});

describe('LOOM-IAM-006 cluster authentication is modern', () => {
  const eks = (extra: Record<string, unknown>) => stack({ aws_eks_cluster: { c: { name: 'c', ...extra } } });
  const gke = (extra: Record<string, unknown>) => stack({ google_container_cluster: { c: { name: 'c', ...extra } } });

  it('fails CONFIG_MAP, system:masters entries, aws-auth, legacy ABAC and client certificates', () => {
    expect(run(IAM_006, eks({ access_config: { authentication_mode: 'CONFIG_MAP' } }))).toEqual(['aws_eks_cluster.c [AuthenticationMode]']);
    expect(run(IAM_006, stack({ aws_eks_access_entry: { e: { cluster_name: 'c', principal_arn: 'arn:aws:iam::1:role/x', kubernetes_groups: ['system:masters'] } } }))).toEqual(['aws_eks_access_entry.e [SystemMasters]']);
    expect(run(IAM_006, stack({ kubernetes_config_map_v1: { a: { metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: { mapRoles: '[]' } } } }))).toEqual(['kubernetes_config_map_v1.a [AwsAuth]']);
    expect(run(IAM_006, gke({ enable_legacy_abac: true, master_auth: { client_certificate_config: { issue_client_certificate: true } } }))).toEqual(['google_container_cluster.c [LegacyAbac]', 'google_container_cluster.c [ClientCertificate]']);
  });

  it('passes API mode and a GKE cluster with Google Groups for RBAC', () => {
    expect(run(IAM_006, eks({ access_config: { authentication_mode: 'API' } }))).toEqual([]);
    expect(run(IAM_006, gke({ authenticator_groups_config: { security_group: 'gke-security-groups@example.com' } }))).toEqual([]);
  });

  it('omitted authentication_mode is CONFIG_MAP (the EKS API default); omitted GKE flags are off', () => {
    expect(run(IAM_006, eks({}))).toEqual(['aws_eks_cluster.c [AuthenticationMode]']);
    expect(run(IAM_006, gke({}))).toEqual([]);
  });

  it('reports a mode decided at apply time as unknown', () => {
    expect(run(IAM_006, eks({ access_config: { authentication_mode: '${var.mode}' } }))).toEqual(['aws_eks_cluster.c (unknown)']);
  });

  it('finds nothing in the examples (API mode; no legacy GKE authentication)', () => {
    for (const f of EXAMPLES) expect(onExample(IAM_006, f), f).toEqual([]);
  });
});

describe('LOOM-IAM-007 buckets, registries and keys block public access', () => {
  const PAB = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };
  const bucket = (extra: Resources) => stack({ aws_s3_bucket: { b: { bucket_prefix: 'b' } }, ...extra });
  const owned = { aws_s3_bucket_ownership_controls: { o: { bucket: '${aws_s3_bucket.b.id}', rule: { object_ownership: 'BucketOwnerEnforced' } } } };

  it('fails a partial public access block, ACL ownership, public policies and allUsers', () => {
    expect(run(IAM_007, bucket({ ...owned, aws_s3_bucket_public_access_block: { p: { bucket: '${aws_s3_bucket.b.id}', ...PAB, restrict_public_buckets: false } } }))).toEqual(['aws_s3_bucket.b [PublicAccessBlock]']);
    expect(run(IAM_007, bucket({ aws_s3_bucket_public_access_block: { p: { bucket: '${aws_s3_bucket.b.id}', ...PAB } }, aws_s3_bucket_ownership_controls: { o: { bucket: '${aws_s3_bucket.b.id}', rule: { object_ownership: 'ObjectWriter' } } } }))).toEqual([
      'aws_s3_bucket.b [OwnershipControls]',
    ]);
    expect(run(IAM_007, stack({ aws_ecr_repository_policy: { p: { repository: 'r', policy: doc({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }) } } }))).toEqual(['aws_ecr_repository_policy.p [PublicPolicy]']);
    expect(run(IAM_007, stack({ google_storage_bucket_iam_member: { m: { bucket: 'b', role: 'roles/storage.objectViewer', member: 'allUsers' } } }))).toEqual(['google_storage_bucket_iam_member.m [Member::allUsers]']);
  });

  it('passes a fully blocked, owner-enforced bucket; Deny-to-"*" and org-narrowed policies; an enforced GCS bucket', () => {
    expect(run(IAM_007, bucket({ ...owned, aws_s3_bucket_public_access_block: { p: { bucket: '${aws_s3_bucket.b.id}', ...PAB } } }))).toEqual([]);
    expect(run(IAM_007, stack({ aws_s3_bucket_policy: { p: { bucket: 'b', policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) } } }))).toEqual([]);
    expect(run(IAM_007, stack({ aws_s3_bucket_policy: { p: { bucket: 'b', policy: doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }) } } }))).toEqual([]);
    expect(run(IAM_007, stack({ google_storage_bucket: { g: { name: 'g', location: 'EU', public_access_prevention: 'enforced', uniform_bucket_level_access: true } } }))).toEqual([]);
  });

  it('omitted flags take the provider defaults (false / inherited)', () => {
    expect(run(IAM_007, bucket({ ...owned, aws_s3_bucket_public_access_block: { p: { bucket: '${aws_s3_bucket.b.id}' } } }))).toEqual(['aws_s3_bucket.b [PublicAccessBlock]']);
    expect(run(IAM_007, bucket({}))).toEqual(['aws_s3_bucket.b [PublicAccessBlock]', 'aws_s3_bucket.b [OwnershipControls]']);
    expect(run(IAM_007, stack({ google_storage_bucket: { g: { name: 'g', location: 'EU' } } }))).toEqual(['google_storage_bucket.g [PublicAccessPrevention]', 'google_storage_bucket.g [UniformAccess]']);
  });

  it('reports flags and policies decided at apply time as unknown', () => {
    expect(run(IAM_007, bucket({ ...owned, aws_s3_bucket_public_access_block: { p: { bucket: '${aws_s3_bucket.b.id}', ...PAB, block_public_policy: '${var.x}' } } }))).toEqual(['aws_s3_bucket.b (unknown)']);
    expect(run(IAM_007, stack({ aws_s3_bucket_policy: { p: { bucket: 'b', policy: '${data.aws_iam_policy_document.gone.json}' } } }))).toEqual(['aws_s3_bucket_policy.p (unknown)']);
  });

  it('finds nothing in the examples (private buckets, node-only ECR pulls, no public members)', () => {
    for (const f of EXAMPLES) expect(onExample(IAM_007, f), f).toEqual([]);
  });
});

describe('LOOM-IAM-008 workload credential hygiene', () => {
  const deployment = (spec: Record<string, unknown>, extra: Resources = {}) =>
    stack({ kubernetes_deployment_v1: { d: { metadata: { name: 'd', namespace: 'ns' }, spec: { template: { metadata: {}, spec: { container: [{ name: 'c', image: 'i' }], ...spec } } } } }, ...extra });

  it('fails secrets in env, automounted tokens without RBAC, the default account and secret-like ConfigMap keys', () => {
    expect(
      run(IAM_008, deployment({ service_account_name: 'app', automount_service_account_token: false, container: [{ name: 'c', image: 'i', env: [{ name: 'P', value_from: { secret_key_ref: { name: 's', key: 'p' } } }] }] })),
    ).toEqual(['kubernetes_deployment_v1.d [SecretEnv::c]']);
    expect(run(IAM_008, deployment({ service_account_name: 'app', automount_service_account_token: true }))).toEqual(['kubernetes_deployment_v1.d [AutomountToken]']);
    expect(run(IAM_008, deployment({ service_account_name: 'default', automount_service_account_token: false }))).toEqual(['kubernetes_deployment_v1.d [DefaultServiceAccount]']);
    expect(run(IAM_008, stack({ kubernetes_config_map_v1: { m: { metadata: { name: 'm' }, data: { DB_PASSWORD: 'x', url: 'y' } } } }))).toEqual(['kubernetes_config_map_v1.m [SecretKey::DB_PASSWORD]']);
  });

  it('passes a dedicated account without a token, and an API user whose account is bound', () => {
    expect(run(IAM_008, deployment({ service_account_name: 'app', automount_service_account_token: false }))).toEqual([]);
    const bound = { kubernetes_role_binding_v1: { b: { metadata: { name: 'b', namespace: 'ns' }, role_ref: { kind: 'Role', name: 'r', api_group: 'rbac.authorization.k8s.io' }, subject: [{ kind: 'ServiceAccount', name: 'app', namespace: 'ns' }] } } };
    expect(run(IAM_008, deployment({ service_account_name: 'app', automount_service_account_token: true }, bound))).toEqual([]);
  });

  it('omitted: the provider mounts the token, and the pod runs as default', () => {
    expect(run(IAM_008, deployment({}))).toEqual(['kubernetes_deployment_v1.d [DefaultServiceAccount]', 'kubernetes_deployment_v1.d [AutomountToken]']);
  });

  it('reports a service account or automount decided at apply time as unknown', () => {
    expect(run(IAM_008, deployment({ service_account_name: '${var.sa}', automount_service_account_token: false }))).toEqual(['kubernetes_deployment_v1.d (unknown)']);
    expect(run(IAM_008, deployment({ service_account_name: 'app', automount_service_account_token: '${var.x}' }))).toEqual(['kubernetes_deployment_v1.d (unknown)']);
  });

  it("finds Harbor setup's env secrets and the default account of the setup Job and registry-ca DaemonSet", () => {
    expect(onExample(IAM_008, 'aws-platform.yaml')).toEqual([]);
    expect(onExample(IAM_008, 'aws-buy-everything.yaml')).toEqual([]);
    expect(onExample(IAM_008, 'aws-minimal.yaml')).toEqual([]);
    const setup = ['kubernetes_job_v1.Registry_Setup_A9E17B02 [SecretEnv::setup]', 'kubernetes_job_v1.Registry_Setup_A9E17B02 [DefaultServiceAccount]'];
    expect(onExample(IAM_008, 'gcp-platform.yaml')).toEqual(setup);
    const trust = 'kubernetes_daemon_set_v1.Registry_Pull_NodeTrust_07EA0054 [DefaultServiceAccount]';
    expect(onExample(IAM_008, 'onprem-sovereign.yaml')).toEqual([trust, ...setup, trust, trust]);
  });
});

describe('the IAM area', () => {
  it('lists its eight rules in id order', () => {
    expect(IAM_RULES.map((r) => r.id)).toEqual(['LOOM-IAM-001', 'LOOM-IAM-002', 'LOOM-IAM-003', 'LOOM-IAM-004', 'LOOM-IAM-005', 'LOOM-IAM-006', 'LOOM-IAM-007', 'LOOM-IAM-008']);
    // IAM-007 whole; IAM-001 only its full-admin findings (suppressible: false on those findings).
    expect(IAM_RULES.filter((r) => r.suppressible === false).map((r) => r.id)).toEqual(['LOOM-IAM-007']);
  });
});
