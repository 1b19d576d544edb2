/**
 * Proves the offline terraform harness works on small hand-written stacks laid
 * out like cdktf's synthesized `cdk.tf.json`. Real-terraform cases skip (with a
 * clear warning) when terraform or the provider mirror is unavailable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeSkip,
  hasProvider,
  requiredProviders,
  terraformEnv,
  terraformPlan,
  terraformValidate,
  type TerraformEnv,
} from './helpers/terraform';

const TF_TIMEOUT_MS = 240_000;

const env = terraformEnv();
const ready = env.available && hasProvider(env, 'hashicorp/aws');
if (!env.available) {
  console.warn(describeSkip(env));
} else if (!ready) {
  console.warn(`SKIPPED real terraform checks: mirror ${env.mirrorDir} has no hashicorp/aws provider`);
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'loom-harness-test-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

/** Write `doc` as `<tmp>/<name>/cdk.tf.json` and return the stack dir. */
function writeStack(name: string, doc: unknown): string {
  const dir = path.join(tmpRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc, null, 2));
  return dir;
}

/** A minimal stack in cdktf's JSON layout; `vpcExtra` is merged into the aws_vpc resource. */
function vpcStack(vpcExtra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '//': { metadata: { backend: 's3', stackName: 'harness', version: '0.21.0' }, outputs: {} },
    provider: { aws: [{ region: 'us-east-1' }] },
    resource: {
      aws_vpc: {
        main: {
          '//': { metadata: { path: 'harness/main', uniqueId: 'main' } },
          cidr_block: '10.0.0.0/16',
          ...vpcExtra,
        },
      },
    },
    terraform: {
      backend: { s3: { bucket: 'loom-state', key: 'harness.tfstate', region: 'us-east-1' } },
      required_providers: { aws: { source: 'aws', version: '5.100.0' } },
    },
  };
}

describe('terraform harness (pure helpers)', () => {
  it('normalises required provider sources from cdk.tf.json', () => {
    const dir = writeStack('sources', {
      terraform: {
        required_providers: {
          aws: { source: 'aws', version: '5.100.0' },
          google: { source: 'registry.terraform.io/hashicorp/google' },
          helm: '~> 2.0',
          custom: { source: 'example.com/acme/custom' },
        },
      },
    });
    expect(requiredProviders(dir)).toEqual(['example.com/acme/custom', 'hashicorp/aws', 'hashicorp/google', 'hashicorp/helm']);
    expect(requiredProviders(path.join(tmpRoot, 'does-not-exist'))).toEqual([]);
  });

  it('describes why checks are skipped', () => {
    const missing: TerraformEnv = { available: false, reason: 'terraform binary not found on PATH' };
    expect(describeSkip(missing)).toBe('SKIPPED real terraform checks: terraform binary not found on PATH');
    expect(hasProvider(missing, 'hashicorp/aws')).toBe(false);
    if (env.available) expect(env.providers.length).toBeGreaterThan(0);
  });
});

describe('terraform harness (real terraform, offline)', () => {
  it.skipIf(!ready)(
    'validates a well-formed stack',
    () => {
      const dir = writeStack('valid', vpcStack());
      expect(requiredProviders(dir)).toEqual(['hashicorp/aws']);
      const res = terraformValidate(dir);
      expect(res.ok, res.output).toBe(true);
    },
    TF_TIMEOUT_MS,
  );

  it.skipIf(!ready)(
    'reports an unknown attribute by name',
    () => {
      const dir = writeStack('broken', vpcStack({ loom_bogus_attribute: true }));
      const res = terraformValidate(dir);
      expect(res.ok).toBe(false);
      expect(res.output).toContain('loom_bogus_attribute');
      expect(res.output).toContain('aws_vpc.main');
    },
    TF_TIMEOUT_MS,
  );

  it.skipIf(!ready)(
    'plans with mock credentials and a local backend',
    () => {
      const res = terraformPlan(writeStack('plan', vpcStack()));
      expect(res.ok, res.output).toBe(true);
      expect(res.output).toContain('1 to add');
    },
    TF_TIMEOUT_MS,
  );

  it.skipIf(!ready)(
    'mocks aliased aws providers too',
    () => {
      const doc = vpcStack();
      doc.provider = { aws: [{ region: 'us-east-1', profile: 'not-on-this-machine' }, { alias: 'eu', region: 'eu-west-1' }] };
      (doc.resource as { aws_vpc: Record<string, unknown> }).aws_vpc.eu = { cidr_block: '10.1.0.0/16', provider: 'aws.eu' };
      const res = terraformPlan(writeStack('aliased', doc), { region: 'us-west-2' });
      expect(res.ok, res.output).toBe(true);
      expect(res.output).toContain('2 to add');
    },
    TF_TIMEOUT_MS,
  );
});
