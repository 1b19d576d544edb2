/**
 * The `loom` command, run in-process: exit codes (0 ok, 1 the spec says no, 2 usage and I/O),
 * output formats, and atomic synth (a failure leaves the output directory exactly as it was).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loom } from '../helpers/cli';
import { App } from '../../constructs/core/cdk';
import { PlatformValidationError } from '../../constructs/core/errors';
import { parse } from 'yaml';

const FIXTURES = 'test/schema/fixtures';
const fixture = (name: string) => join(FIXTURES, name);
const EXAMPLE = 'examples/aws-platform.yaml';

const root = mkdtempSync(join(tmpdir(), 'loom-cli-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh empty directory for one test. */
let tmp: string;
let counter = 0;
beforeEach(() => {
  tmp = join(root, `t${counter++}`);
  mkdirSync(tmp);
});
afterEach(() => {
  // no staging directory is ever left beside an output
  expect(readdirSync(tmp).filter((n) => n.startsWith('.loom-'))).toEqual([]);
});

/** sha256 over every path, file content and file mtime under `dir`. */
function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      hash.update(`${relative(dir, p)}\0${st.isDirectory() ? 'dir' : `${st.mtimeMs}\0`}`);
      if (st.isDirectory()) walk(p);
      else hash.update(readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/**
 * Makes the next synth fail after validation — in the constructs, as a bug or a construct's own
 * refusal would — and returns the message it fails with.
 */
function failSynthOnce(): string {
  const message = 'a construct refused what validation let through';
  vi.spyOn(App.prototype, 'synth').mockImplementationOnce(() => {
    throw new PlatformValidationError(message);
  });
  return message;
}

describe('loom validate', () => {
  it('exits 0 with a short summary of what would be built', () => {
    const { code, stdout, stderr } = loom('validate', EXAMPLE);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('acme: aws us-east-1, prod');
    expect(stdout).toContain('cluster apps (microservice, Kubernetes 1.36) 10.0.0.0/19');
    expect(stdout).toContain('stacks: acme-network, acme-cluster-apps');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`valid: ${EXAMPLE}`);
    expect(stdout.split('\n').length).toBeLessThan(25);
  });

  it('accepts a JSON spec', () => {
    const file = join(tmp, 'platform.json');
    writeFileSync(file, JSON.stringify(parse(readFileSync(fixture('minimal-aws.yaml'), 'utf8'))));
    const { code, stdout } = loom('validate', file);
    expect(code).toBe(0);
    expect(stdout).toContain('mini: aws eu-west-1, dev');
  });

  it('prints warnings to stderr and still exits 0', () => {
    const { code, stderr } = loom('validate', fixture('staging-warning.yaml'));
    expect(code).toBe(0);
    expect(stderr).toBe('warning: state.backend: local state in staging is not shared or locked; use s3 or gcs\n');
  });

  it('--explain prints the spec with every default filled in', () => {
    const { code, stdout } = loom('validate', fixture('minimal-aws.yaml'), '--explain');
    expect(code).toBe(0);
    expect(stdout).toContain('kubernetesVersion: "1.36"');
    expect(stdout).toContain('natGateways: single');
    expect(stdout).toContain('flowLogRetentionDays: 90');
  });

  it('exits 1 listing every shape problem, one per line as <path>: <message>, sorted by path', () => {
    const file = fixture('invalid.yaml');
    const { code, stdout, stderr } = loom('validate', file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        `${file}: 4 problems`,
        'clusters[0].nodePools[0].minNodes: must be a whole number, got number 1.5',
        "clusters[1].flavour: must be one of microservice | streaming | batch, got 'batchh'; did you mean 'batch'?",
        'clusters[1].nodePools[0].minNodes: must be >= 0, got number -1',
        "netwrk: unknown key; did you mean 'network'?",
        '',
      ].join('\n'),
    );
  });

  it('exits 1 listing every cross-field problem', () => {
    const { code, stderr } = loom('validate', fixture('invalid-rules.yaml'));
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n').slice(1)).toEqual([
      'clusters[0].nodePools[0].maxNodes: must be >= minNodes (3), got 2; raise maxNodes or lower minNodes',
      'clusters[0].nodePools[0].spot: microservice clusters run on on-demand capacity only; remove spot (spot is for batch pools)',
    ]);
  });

  it('exits 2 for a missing file', () => {
    const file = join(tmp, 'missing.yaml');
    const { code, stderr } = loom('validate', file);
    expect(code).toBe(2);
    expect(stderr).toBe(`${file}: cannot read the spec (no such file)\n`);
  });

  it('exits 2 for a YAML syntax error, with file, line and column', () => {
    const file = fixture('syntax-error.yaml');
    const { code, stderr } = loom('validate', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: \\S`));
    expect(stderr).not.toMatch(/internal error/);
  });

  it('exits 2 for usage errors: no spec, unknown command, unknown option, no command', () => {
    const noSpec = loom('validate');
    expect(noSpec.code).toBe(2);
    expect(noSpec.stderr).toContain("error: missing required argument 'spec'");
    expect(loom('vaildate', EXAMPLE).code).toBe(2);
    expect(loom('validate', EXAMPLE, '--strict').code).toBe(2);
    const bare = loom();
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: loom');
  });
});

describe('--help', () => {
  it.each([[['--help']], [['help']], [['validate', '--help']], [['synth', '--help']], [['help', 'synth']]])('loom %j exits 0 with usage', (argv) => {
    const { code, stdout } = loom(...argv);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: loom/);
  });

  it('synth --help documents --out', () => {
    expect(loom('synth', '--help').stdout).toMatch(/-o, --out <dir>\s+output directory/);
  });
});

describe('loom synth', () => {
  it('writes every stack into --out and prints them', () => {
    const out = join(tmp, 'out');
    const { code, stdout, stderr } = loom('synth', EXAMPLE, '--out', out);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^synthesized \\d+ stacks into ${out}`));
    const stacks = readdirSync(join(out, 'stacks'));
    expect(stacks).toEqual(expect.arrayContaining(['acme-network', 'acme-cluster-apps', 'acme-cluster-events', 'acme-cluster-training']));
    for (const s of stacks) expect(stdout).toContain(`  ${s}\n`);
    expect(existsSync(join(out, 'stacks', 'acme-network', 'cdk.tf.json'))).toBe(true);
  });

  it('replaces the previous output as a whole (stale files do not survive)', () => {
    const out = join(tmp, 'out');
    expect(loom('synth', EXAMPLE, '--out', out).code).toBe(0);
    writeFileSync(join(out, 'stale.txt'), 'from an older synth');
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
    expect(existsSync(join(out, 'stale.txt'))).toBe(false);
    expect(readdirSync(join(out, 'stacks'))).toContain('mini-network');
    expect(readdirSync(join(out, 'stacks'))).not.toContain('acme-network');
  });

  it('an invalid spec exits 1 and leaves the output directory exactly as it was', () => {
    // GIVEN a previous successful synth
    const out = join(tmp, 'out');
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
    const before = treeHash(out);
    // WHEN synthesizing an invalid spec into the same directory
    const { code, stderr } = loom('synth', fixture('invalid-rules.yaml'), '--out', out);
    // THEN every problem is listed and nothing changed
    expect(code).toBe(1);
    expect(stderr).toContain('clusters[0].nodePools[0].maxNodes: must be >= minNodes (3), got 2');
    expect(treeHash(out)).toBe(before);
  });

  it('a synth that fails in the constructs exits 1 with the reason, and leaves the output as it was', () => {
    const out = join(tmp, 'out');
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
    const before = treeHash(out);

    const message = failSynthOnce();
    const { code, stdout, stderr } = loom('synth', fixture('minimal-aws.yaml'), '--out', out);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(treeHash(out)).toBe(before);
  });

  it('a failed first synth leaves no output directory and no staging directory', () => {
    const out = join(tmp, 'out');
    expect(loom('synth', fixture('invalid-rules.yaml'), '--out', out).code).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);

    failSynthOnce();
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('exits 2 for a missing spec and leaves the output as it was', () => {
    const out = join(tmp, 'out');
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
    const before = treeHash(out);
    const { code, stderr } = loom('synth', join(tmp, 'missing.yaml'), '--out', out);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read the spec (no such file)');
    expect(treeHash(out)).toBe(before);
  });

  it('creates missing parent directories of --out', () => {
    const out = join(tmp, 'no', 'such', 'out');
    const { code, stderr } = loom('synth', fixture('minimal-aws.yaml'), '--out', out);
    expect(stderr).not.toMatch(/cannot create/);
    expect(code).toBe(0);
    expect(readdirSync(join(out, 'stacks'))).toContain('mini-network');
    expect(readdirSync(join(tmp, 'no', 'such'))).toEqual(['out']);
  });

  it('a failed synth into missing parents creates nothing', () => {
    expect(loom('synth', fixture('invalid-rules.yaml'), '--out', join(tmp, 'no', 'such', 'out')).code).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses (exit 2) a directory that is not a Loom output, and changes nothing in it — `--out .` in a repository', () => {
    // GIVEN a project directory with a spec and a .git
    const project = join(tmp, 'project');
    mkdirSync(join(project, '.git'), { recursive: true });
    writeFileSync(join(project, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(project, 'platform.yaml'), readFileSync(fixture('minimal-aws.yaml')));
    const before = treeHash(project);
    // WHEN synthesizing into it
    const { code, stderr } = loom('synth', join(project, 'platform.yaml'), '--out', project);
    // THEN nothing is touched and the message says why
    expect(code).toBe(2);
    expect(stderr).toMatch(/is not a Loom output .*choose an empty or new --out/);
    expect(treeHash(project)).toBe(before);
    expect(readdirSync(tmp)).toEqual(['project']);
  });

  it('replaces an empty directory and a cdktf output, and keeps each stack\'s .terraform and lock file', () => {
    const out = join(tmp, 'out');
    mkdirSync(out);
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
    expect(existsSync(join(out, '.loom-output.json'))).toBe(true);
    const stack = join(out, 'stacks', 'mini-network');
    mkdirSync(join(stack, '.terraform', 'providers'), { recursive: true });
    writeFileSync(join(stack, '.terraform', 'providers', 'marker'), 'initialized');
    writeFileSync(join(stack, '.terraform.lock.hcl'), '# lock');
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
    expect(readFileSync(join(stack, '.terraform', 'providers', 'marker'), 'utf8')).toBe('initialized');
    expect(readFileSync(join(stack, '.terraform.lock.hcl'), 'utf8')).toBe('# lock');
    // a cdktf synth output (manifest.json, no Loom marker) is replaceable too
    rmSync(join(out, '.loom-output.json'));
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
  });

  it('replaces a directory that holds no file, only empty directories (nothing to lose)', () => {
    const out = join(tmp, 'out');
    mkdirSync(join(out, 'stacks', 'empty'), { recursive: true });
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
    expect(readdirSync(join(out, 'stacks'))).toContain('mini-network');
    // one file makes it somebody's directory
    const other = join(tmp, 'other');
    mkdirSync(join(other, 'stacks'), { recursive: true });
    writeFileSync(join(other, 'stacks', 'notes.txt'), 'mine');
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', other).code).toBe(2);
    expect(readFileSync(join(other, 'stacks', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('gives the output directory the mode the umask allows, not 0700', () => {
    const out = join(tmp, 'out');
    expect(loom('synth', fixture('minimal-aws.yaml'), '--out', out).code).toBe(0);
    const mask = process.umask();
    process.umask(mask);
    expect(statSync(out).mode & 0o777).toBe(0o777 & ~mask);
  });

  it('exits 2 when --out is an existing file, and leaves the file alone', () => {
    const file = join(tmp, 'platform.yaml');
    writeFileSync(file, 'precious');
    const { code, stderr } = loom('synth', fixture('minimal-aws.yaml'), '--out', file);
    expect(code).toBe(2);
    expect(stderr).toContain('the output path exists and is not a directory');
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });
});
