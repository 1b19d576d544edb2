/**
 * Fakes for cdktf cross-stack references, so a consuming stack can be planned offline.
 *
 * cdktf turns a reference to another stack's attribute into
 *  - in the producer: `output."cross-stack-output-<type><name><attr>" = { value = "${<type>.<name>.<attr>}", sensitive = true }`
 *  - in the consumer: `data.terraform_remote_state."cross-stack-reference-input-<producer stack>"`
 *    (same backend type and config as the producer, `workspace = terraform.workspace`) and
 *    expressions `${data.terraform_remote_state.<that>.outputs.<output name>}`.
 *
 * For every such data source the harness writes a Terraform v4 state file whose `outputs` hold
 * every output name the consumer references, and re-points the data source at it with
 * `backend = "local"`. Values are fabricated from the producer's output expression (resource
 * type + attribute: `aws_subnet.x.id` → `subnet-0…`, `aws_iam_role.x.arn` → an IAM role ARN,
 * `vpc_config[0].subnet_ids` → a set of subnet ids, …) so provider validation at plan time
 * sees well-formed ids and ARNs. A consumer that references an output its producer does not
 * define is reported as a problem (real remote state would fail the same way).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAKE_ACCOUNT_ID } from './fake-aws';

type Json = Record<string, unknown>;

/** Terraform type constraint JSON as stored in state (`"string"`, `["set","string"]`, …). */
export type TfType = string | [string, unknown];

export interface FakeOutput {
  value: unknown;
  type: TfType;
  sensitive: boolean;
}

/** The fake for one `data.terraform_remote_state.<name>`. */
export interface RemoteStateFake {
  /** Data source name, e.g. `cross-stack-reference-input-acme-network`. */
  dataName: string;
  /** Producing stack directory name, when found next to the consumer. */
  producer?: string;
  outputs: Record<string, FakeOutput>;
}

export interface FakePlan {
  fakes: RemoteStateFake[];
  /** Why a fake could not be made faithfully (missing output in the producer, …). */
  problems: string[];
}

const DATA_PREFIX = 'cross-stack-reference-input-';
const DEFAULT_REGION = 'us-east-1';
const REF_PATTERN = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;

/** Output names referenced per remote-state data source, from anywhere in the stack JSON. */
export function remoteStateReferences(doc: Json): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  for (const name of Object.keys(remoteStateBlocks(doc))) refs.set(name, new Set());
  const text = JSON.stringify(doc);
  for (const m of text.matchAll(REF_PATTERN)) {
    const [, dataName, output] = m;
    if (!refs.has(dataName)) refs.set(dataName, new Set());
    refs.get(dataName)!.add(output);
  }
  return refs;
}

/**
 * Build fakes for every `terraform_remote_state` of `doc`. Producers are looked up among the
 * stack directories in `stacksDir` (the consumer's siblings in a cdktf `stacks/` dir): by the
 * cdktf data source name first, else by identical backend config.
 */
export function planRemoteStateFakes(doc: Json, stacksDir: string | undefined): FakePlan {
  const blocks = remoteStateBlocks(doc);
  const problems: string[] = [];
  const fakes: RemoteStateFake[] = [];
  const siblings = stacksDir ? readSiblings(stacksDir) : new Map<string, Json>();
  for (const [dataName, outputs] of remoteStateReferences(doc)) {
    const block = blocks[dataName] ?? {};
    const producer = findProducer(dataName, block, siblings);
    const producerOutputs = producer ? (asObject(siblings.get(producer)?.output) ?? {}) : undefined;
    const region = stringAt(asObject(block.config), 'region') ?? (producer ? providerRegion(siblings.get(producer)!) : undefined) ?? DEFAULT_REGION;
    const state: RemoteStateFake = { dataName, outputs: {}, ...(producer ? { producer } : {}) };
    for (const output of [...outputs].sort()) {
      let expr: unknown;
      if (producerOutputs) {
        const def = asObject(producerOutputs[output]);
        if (!def) {
          problems.push(`data.terraform_remote_state.${dataName} reads output "${output}", which stack ${producer} does not define`);
          continue;
        }
        expr = def.value;
      } else {
        expr = exprFromOutputName(output);
      }
      const value = fakeValue(expr, output, region);
      const sensitive = producerOutputs ? asObject(producerOutputs[output])?.sensitive === true : true;
      state.outputs[output] = { ...value, sensitive };
    }
    if (!producer && outputs.size > 0) {
      problems.push(`no producing stack found for data.terraform_remote_state.${dataName}; values were guessed from output names`);
    }
    fakes.push(state);
  }
  return { fakes, problems };
}

/** A Terraform v4 state file holding only `outputs` (what terraform_remote_state reads). */
export function stateFileJson(fake: RemoteStateFake): string {
  const lineage = createHash('sha256').update(fake.dataName).digest('hex');
  return JSON.stringify(
    {
      version: 4,
      terraform_version: '1.11.4',
      serial: 1,
      lineage: `${lineage.slice(0, 8)}-${lineage.slice(8, 12)}-${lineage.slice(12, 16)}-${lineage.slice(16, 20)}-${lineage.slice(20, 32)}`,
      outputs: fake.outputs,
      resources: [],
      check_results: null,
    },
    null,
    2,
  );
}

/** Write one state file per fake under `dir`; returns data source name → absolute state path. */
export function writeFakeStates(dir: string, fakes: RemoteStateFake[]): Map<string, string> {
  fs.mkdirSync(dir, { recursive: true });
  const paths = new Map<string, string>();
  for (const fake of fakes) {
    const file = path.join(dir, `${fake.dataName}.tfstate`);
    fs.writeFileSync(file, stateFileJson(fake));
    paths.set(fake.dataName, file);
  }
  return paths;
}

// ---------------------------------------------------------------------------
// Fabricating values
// ---------------------------------------------------------------------------

/** A reference like `${aws_eks_cluster.c.vpc_config[0].subnet_ids}` split into its parts. */
interface Ref {
  type: string;
  name: string;
  /** Attribute names after the resource name, indexes dropped. */
  attrs: string[];
  splat: boolean;
}

const REF_EXPR = /^\$\{(?:data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+|\[\d+\]|\[\*\])*)\}$/;

function parseRef(expr: string): Ref | undefined {
  const m = REF_EXPR.exec(expr.trim());
  if (!m) return undefined;
  const rest = m[3];
  return {
    type: m[1],
    name: m[2],
    attrs: [...rest.matchAll(/\.([A-Za-z0-9_-]+)/g)].map((a) => a[1]),
    splat: rest.includes('[*]'),
  };
}

/** Without the producer, rebuild `${type.name.attr}` from cdktf's `cross-stack-output-<type><Name_HASH><attr>` name. */
function exprFromOutputName(output: string): string | undefined {
  const m = /^cross-stack-output-([a-z][a-z0-9_]*?)([A-Z][A-Za-z0-9_-]*?_[0-9A-F]{8})(.+)$/.exec(output);
  if (!m) return undefined;
  // `vpc_config0subnet_ids` → `vpc_config[0].subnet_ids`
  const attr = m[3].replace(/(\d+)(?=[a-z])/g, '[$1].');
  return `\${${m[1]}.${m[2]}.${attr}}`;
}

/** Resource types whose `id` has a well-known prefix. */
const ID_PREFIX_BY_TYPE: Record<string, string> = {
  aws_vpc: 'vpc',
  aws_subnet: 'subnet',
  aws_security_group: 'sg',
  aws_route_table: 'rtb',
  aws_internet_gateway: 'igw',
  aws_egress_only_internet_gateway: 'eigw',
  aws_nat_gateway: 'nat',
  aws_eip: 'eipalloc',
  aws_vpc_endpoint: 'vpce',
  aws_network_acl: 'acl',
  aws_network_interface: 'eni',
  aws_launch_template: 'lt',
  aws_instance: 'i',
  aws_ec2_transit_gateway: 'tgw',
  aws_vpc_security_group_ingress_rule: 'sgr',
  aws_vpc_security_group_egress_rule: 'sgr',
  aws_flow_log: 'fl',
};

/** Attribute names (singular, or the element of a `_ids` list) with a well-known id prefix. */
const ID_PREFIX_BY_ATTR: Record<string, string> = {
  vpc: 'vpc',
  subnet: 'subnet',
  security_group: 'sg',
  cluster_security_group: 'sg',
  source_security_group: 'sg',
  vpc_security_group: 'sg',
  route_table: 'rtb',
  private_route_table: 'rtb',
  public_route_table: 'rtb',
  internet_gateway: 'igw',
  nat_gateway: 'nat',
  vpc_endpoint: 'vpce',
  network_interface: 'eni',
  launch_template: 'lt',
  allocation: 'eipalloc',
};

/** Fabricate a plausible value and its Terraform type for a producer output expression. */
export function fakeValue(expr: unknown, output: string, region: string): { value: unknown; type: TfType } {
  if (Array.isArray(expr)) {
    const items = expr.map((e, i) => fakeValue(e, `${output}[${i}]`, region));
    return { value: items.map((i) => i.value), type: ['tuple', items.map((i) => i.type)] };
  }
  const ref = typeof expr === 'string' ? parseRef(expr) : undefined;
  if (!ref) return { value: `loom-mock-${hex(output, 8)}`, type: 'string' };
  const attr = ref.attrs[ref.attrs.length - 1] ?? 'id';
  const seed = `${output}|${ref.type}.${ref.name}.${ref.attrs.join('.')}`;

  if (attr.endsWith('_ids') || ref.splat) {
    const element = attr.endsWith('_ids') ? attr.slice(0, -'_ids'.length) : attr;
    const values = [0, 1, 2].map((i) => scalarFor(ref, element === attr ? attr : `${element}_id`, `${seed}#${i}`, region));
    // The AWS provider models `*_ids` (subnet_ids, security_group_ids, …) as sets.
    return { value: values, type: [attr.endsWith('_ids') ? 'set' : 'list', 'string'] };
  }
  if (attr === 'port' || attr.endsWith('_port')) return { value: 443, type: 'number' };
  return { value: scalarFor(ref, attr, seed, region), type: 'string' };
}

function scalarFor(ref: Ref, attr: string, seed: string, region: string): string {
  const slug = nameSlug(ref.name);
  if (attr === 'arn' || attr.endsWith('_arn')) return fakeArn(attr === 'arn' ? ref.type : `aws_${attr.slice(0, -'_arn'.length)}`, slug, seed, region);
  if (attr === 'id') {
    const prefix = ID_PREFIX_BY_TYPE[ref.type];
    return prefix ? `${prefix}-0${hex(seed, 16)}` : slug;
  }
  if (attr.endsWith('_id')) {
    const prefix = ID_PREFIX_BY_ATTR[attr.slice(0, -'_id'.length)];
    return prefix ? `${prefix}-0${hex(seed, 16)}` : `loom-mock-${hex(seed, 12)}`;
  }
  switch (attr) {
    case 'endpoint':
      return ref.type === 'aws_eks_cluster'
        ? `https://${hex(seed, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`
        : `https://${slug}.${region}.amazonaws.com`;
    case 'data': // certificate_authority[0].data: base64 of a PEM
      return Buffer.from(`-----BEGIN CERTIFICATE-----\n${Buffer.from(seed).toString('base64')}\n-----END CERTIFICATE-----\n`).toString('base64');
    case 'issuer':
      return `https://oidc.eks.${region}.amazonaws.com/id/${hex(seed, 32).toUpperCase()}`;
    case 'url':
      return ref.type === 'aws_iam_openid_connect_provider'
        ? `oidc.eks.${region}.amazonaws.com/id/${hex(seed, 32).toUpperCase()}`
        : `https://${slug}.${region}.amazonaws.com`;
    case 'repository_url':
      return `${FAKE_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${slug}`;
    case 'cidr_block':
      return '10.0.0.0/16';
    case 'ipv6_cidr_block':
      return '2600:1f18:0:100::/56';
    case 'availability_zone':
      return `${region}a`;
    case 'region':
      return region;
    case 'owner_id':
    case 'account_id':
      return FAKE_ACCOUNT_ID;
    default:
      return slug; // name, bucket, url-less identifiers
  }
}

/** ARN shapes for the types Loom's stacks export; others get a generic, well-formed ARN. */
function fakeArn(type: string, slug: string, seed: string, region: string): string {
  const acct = FAKE_ACCOUNT_ID;
  switch (type) {
    case 'aws_iam_role':
    case 'aws_role':
      return `arn:aws:iam::${acct}:role/${slug}`;
    case 'aws_iam_policy':
    case 'aws_policy':
      return `arn:aws:iam::${acct}:policy/${slug}`;
    case 'aws_iam_instance_profile':
      return `arn:aws:iam::${acct}:instance-profile/${slug}`;
    case 'aws_iam_openid_connect_provider':
    case 'aws_oidc_provider':
      return `arn:aws:iam::${acct}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/${hex(seed, 32).toUpperCase()}`;
    case 'aws_eks_cluster':
    case 'aws_cluster':
      return `arn:aws:eks:${region}:${acct}:cluster/${slug}`;
    case 'aws_sqs_queue':
    case 'aws_queue':
      return `arn:aws:sqs:${region}:${acct}:${slug}`;
    case 'aws_sns_topic':
    case 'aws_topic':
      return `arn:aws:sns:${region}:${acct}:${slug}`;
    case 'aws_kms_key':
    case 'aws_key':
      return `arn:aws:kms:${region}:${acct}:key/${uuid(seed)}`;
    case 'aws_s3_bucket':
    case 'aws_bucket':
      return `arn:aws:s3:::${slug}`;
    case 'aws_ecr_repository':
      return `arn:aws:ecr:${region}:${acct}:repository/${slug}`;
    default: {
      const parts = type.replace(/^aws_/, '').split('_');
      const service = parts[0] || 'loom';
      const kind = parts.slice(1).join('-') || 'resource';
      return `arn:aws:${service}:${region}:${acct}:${kind}/${slug}`;
    }
  }
}

/** A lower-case name from a construct id, valid for IAM roles, EKS clusters, SQS queues, buckets. */
function nameSlug(name: string): string {
  const s = name
    .replace(/_[0-9A-F]{8}$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return `mock-${s || 'resource'}`.slice(0, 48).replace(/-$/, '');
}

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------
// Finding producers
// ---------------------------------------------------------------------------

function remoteStateBlocks(doc: Json): Record<string, Json> {
  const raw = asObject(asObject(doc.data)?.terraform_remote_state) ?? {};
  const out: Record<string, Json> = {};
  for (const [name, block] of Object.entries(raw)) {
    const obj = asObject(Array.isArray(block) ? block[0] : block);
    if (obj) out[name] = obj;
  }
  return out;
}

function readSiblings(stacksDir: string): Map<string, Json> {
  const out = new Map<string, Json>();
  let names: string[];
  try {
    names = fs.readdirSync(stacksDir);
  } catch {
    return out;
  }
  for (const name of names) {
    const file = path.join(stacksDir, name, 'cdk.tf.json');
    try {
      const doc = asObject(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (doc) out.set(name, doc);
    } catch {
      // not a stack dir
    }
  }
  return out;
}

/** cdktf names the data source after the producer stack; otherwise match the backend config. */
function findProducer(dataName: string, block: Json, siblings: Map<string, Json>): string | undefined {
  if (dataName.startsWith(DATA_PREFIX)) {
    const name = dataName.slice(DATA_PREFIX.length);
    if (siblings.has(name)) return name;
  }
  const backend = block.backend;
  const config = asObject(block.config) ?? {};
  const locator = ['key', 'path', 'prefix', 'name'].map((k) => config[k]).find((v) => typeof v === 'string');
  if (typeof backend !== 'string' || locator === undefined) return undefined;
  for (const [name, doc] of siblings) {
    const terraform = asObject(doc.terraform);
    const own = asObject(asObject(terraform?.backend)?.[backend]);
    if (own && ['key', 'path', 'prefix', 'name'].some((k) => own[k] === locator)) return name;
  }
  return undefined;
}

function providerRegion(doc: Json): string | undefined {
  const aws = asObject(doc.provider)?.aws;
  const first = asObject(Array.isArray(aws) ? aws.find((c) => asObject(c)?.alias === undefined) : aws);
  return stringAt(first, 'region');
}

function stringAt(obj: Json | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' && !v.includes('${') ? v : undefined;
}

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
