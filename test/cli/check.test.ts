/**
 * `loom check` and the synth gate: formats (table, the JSON contract, SARIF 2.1.0), exit codes,
 * directories without a spec, and `loom synth` writing nothing when an error-level finding remains.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loom } from '../helpers/cli';
import { synthToDirectory } from '../../cli/synth';
import { PolicyViolation, type PolicyRule } from '../../policies';
import { specFromFile } from '../helpers/synth';

const root = join(__dirname, '..', '..');
const example = (f: string) => join(root, 'examples', f);
const dir = mkdtempSync(join(tmpdir(), 'loom-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A cdktf output directory holding `stacks` (name → cdk.tf.json). */
function outputDir(name: string, stacks: Record<string, unknown>): string {
  const d = join(dir, name);
  for (const [stack, json] of Object.entries(stacks)) {
    mkdirSync(join(d, 'stacks', stack), { recursive: true });
    writeFileSync(join(d, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(json));
  }
  return d;
}

/** A public EKS endpoint open to the world: LOOM-ING-001, CRITICAL. */
const publicCluster = {
  resource: {
    aws_eks_cluster: {
      Cluster_1: {
        '//': { metadata: { path: 'app-cluster/Cluster/Resource', uniqueId: 'Cluster_1' } },
        name: 'app',
        vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['0.0.0.0/0'] },
      },
    },
  },
};

describe('loom check --out (a directory, without a spec)', () => {
  const out = () => outputDir('public', { 'app-cluster': publicCluster });

  it('reports the finding as a table, with the fix, and exits 1', () => {
    const { code, stdout } = loom('check', '--out', out());
    expect(code).toBe(1);
    expect(stdout).toMatch(/\n {2}error {4}CRITICAL LOOM-ING-001\[PublicAccess\] {2}app-cluster\/Cluster\/Resource\n/);
    expect(stdout).toContain('fix: Keep the endpoint private');
  });

  it('prints the JSON contract', () => {
    const { stdout } = loom('check', '--out', out(), '--format', 'json');
    const r = JSON.parse(stdout);
    expect(r.packs).toEqual(['baseline']);
    const f = r.findings.find((x: { rule: string }) => x.rule === 'LOOM-ING-001');
    expect(f).toMatchObject({ rule: 'LOOM-ING-001', severity: 'CRITICAL', stack: 'app-cluster', resource: 'aws_eks_cluster.Cluster_1', path: 'app-cluster/Cluster/Resource', excepted: false });
    expect(typeof f.message).toBe('string');
    expect(typeof f.fix).toBe('string');
    expect(r.summary.errors).toBeGreaterThanOrEqual(1);
  });

  it('prints SARIF 2.1.0: the fired rules as the driver\'s, one result per finding, located in the stack\'s file', () => {
    const { stdout } = loom('check', '--out', out(), '--format', 'sarif');
    const log = JSON.parse(stdout);
    expect(log.version).toBe('2.1.0');
    const run0 = log.runs[0];
    expect(run0.tool.driver.name).toBe('loom');
    const ruleIds = run0.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toContain('LOOM-ING-001');
    const result = run0.results.find((x: { ruleId: string }) => x.ruleId === 'LOOM-ING-001');
    expect(result).toMatchObject({ level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'stacks/app-cluster/cdk.tf.json' } }, logicalLocations: [{ fullyQualifiedName: 'app-cluster/Cluster/Resource' }] }] });
    expect(run0.tool.driver.rules[result.ruleIndex].id).toBe('LOOM-ING-001');
    expect(run0.results.length).toBe(JSON.parse(loom('check', '--out', out(), '--format', 'json').stdout).findings.length);
  });

  it('takes packs and environment for a bare directory', () => {
    const r = JSON.parse(loom('check', '--out', out(), '--format', 'json', '--pack', 'baseline', 'regulated', '--environment', 'dev').stdout);
    expect(r.packs).toEqual(['baseline', 'regulated']);
  });

  it('usage errors exit 2: no spec nor --out, a directory that is not a synth output, an unknown format or pack', () => {
    expect(loom('check').code).toBe(2);
    expect(loom('check', '--out', join(dir, 'nothing-here')).code).toBe(2);
    expect(loom('check', '--out', out(), '--format', 'xml').code).toBe(2);
    expect(loom('check', '--out', out(), '--pack', 'strict').code).toBe(2);
  });

  it('lists the catalogue', () => {
    const { code, stdout } = loom('check', '--list-rules');
    expect(code).toBe(0);
    expect(stdout).toContain('LOOM-ING-001  The Kubernetes API endpoint is private or allow-listed');
  });
});

describe('the synth gate', () => {
  /** A pack of one rule: every EKS cluster is a finding of `severity`. */
  const pack = (severity: 'HIGH' | 'LOW'): PolicyRule[] => [
    {
      id: 'LOOM-ING-990',
      area: 'ING',
      title: 'no EKS cluster',
      severity: { baseline: severity },
      rationale: 'test',
      fix: 'remove it',
      anchors: [],
      providers: ['aws'],
      evaluate: (ctx) => ctx.resources('aws_eks_cluster').map((r) => ({ resource: r, message: 'an EKS cluster' })),
    },
  ];
  const spec = () => specFromFile(example('aws-minimal.yaml'));

  it('writes nothing on an error-level finding: the previous output stays exactly as it was', () => {
    const out = join(dir, 'gated');
    synthToDirectory(spec(), out, { rules: pack('LOW') });
    const before = readFileSync(join(out, '.loom-output.json'), 'utf8');
    writeFileSync(join(out, 'stacks', 'note.txt'), 'mine');
    expect(() => synthToDirectory(spec(), out, { rules: pack('HIGH') })).toThrow(PolicyViolation);
    expect(readFileSync(join(out, '.loom-output.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(out, 'stacks', 'note.txt'), 'utf8')).toBe('mine');
  });

  it('proceeds on warnings, returns them, and records the policy settings for loom check --out', () => {
    const out = join(dir, 'warned');
    const result = synthToDirectory(spec(), out, { rules: pack('LOW') });
    expect(result.policies!.summary).toMatchObject({ errors: 0, warnings: 1 });
    const marker = JSON.parse(readFileSync(join(out, '.loom-output.json'), 'utf8'));
    expect(marker.policies).toMatchObject({ environment: spec().environment, packs: spec().policies.packs, exceptions: spec().policies.exceptions });
  });

  it('refuses an exception naming an unknown rule before writing anything (exit 1, with a did-you-mean)', () => {
    const text = readFileSync(join(root, 'test', 'schema', 'fixtures', 'minimal-aws.yaml'), 'utf8') + `\npolicies:\n  exceptions:\n    - { rule: LOOM-ING-010, resource: "**", reason: "a reason of more than twenty characters", expires: "2027-01-01" }\n`;
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, text);
    const out = join(dir, 'typo-out');
    const { code, stderr } = loom('synth', file, '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain("policies.exceptions[0].rule: unknown rule 'LOOM-ING-010'");
    expect(existsSync(out)).toBe(false);
  });
});

describe('loom check --out on a hand-made directory with known violations', () => {
  /** Two stacks a TypeScript author could have written, with four violations and otherwise by the book. */
  const handMade = () =>
    outputDir('hand-made', {
      'lab-network': {
        terraform: { backend: { s3: { bucket: 'lab-state', key: 'lab-network.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } } },
        provider: { aws: [{ region: 'eu-west-1', default_tags: [{ tags: { 'loom-platform': 'lab', 'loom-environment': 'prod', team: 'ml', 'cost-center': 'research' } }] }] },
        resource: {
          aws_security_group_rule: {
            Ssh: { '//': { metadata: { path: 'lab-network/Bastion/Ssh' } }, type: 'ingress', description: 'SSH to the bastion', protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'], security_group_id: 'sg-123' },
          },
          aws_iam_policy: {
            Admin: {
              '//': { metadata: { path: 'lab-network/Ops/Admin' } },
              name: 'ops',
              description: 'everything',
              policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
            },
          },
          aws_budgets_budget: {
            Budget: {
              '//': { metadata: { path: 'lab-network/Budget' } },
              name: 'lab',
              budget_type: 'COST',
              limit_amount: '1000',
              limit_unit: 'USD',
              time_unit: 'MONTHLY',
              notification: [{ comparison_operator: 'GREATER_THAN', threshold: 80, threshold_type: 'PERCENTAGE', notification_type: 'FORECASTED', subscriber_email_addresses: ['ml@example.com'] }],
            },
          },
        },
      },
      'lab-apps': {
        terraform: { backend: { s3: { bucket: 'lab-state', key: 'lab-apps.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } } },
        provider: { kubernetes: [{ host: 'https://example' }] },
        resource: {
          kubernetes_namespace_v1: {
            Ns: {
              '//': { metadata: { path: 'lab-apps/Namespace' } },
              metadata: { name: 'lab', labels: { team: 'ml', 'cost-center': 'research', 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' } },
            },
          },
        },
      },
    });

  it('reports exactly those: world-open SSH, full admin, a privileged namespace, a cluster without metrics', () => {
    const r = JSON.parse(loom('check', '--out', handMade(), '--format', 'json').stdout);
    expect(r.findings.map((f: { findingId: string; path: string; severity: string }) => `${f.findingId} ${f.path} ${f.severity}`)).toEqual([
      'LOOM-HARD-006[lab::enforce] lab-apps/Namespace HIGH',
      'LOOM-MON-004[MetricsStack] lab-apps/provider.kubernetes MEDIUM',
      'LOOM-IAM-001[Action::*] lab-network/Ops/Admin CRITICAL',
      'LOOM-ING-002[Port::22] lab-network/Bastion/Ssh CRITICAL',
    ]);
    expect(r.summary).toMatchObject({ errors: 3, warnings: 1, unknown: 0, excepted: 0 });
  });
});
