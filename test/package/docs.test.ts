/**
 * `npm run docs` (TypeDoc, configured by typedoc.json) builds the API reference from index.ts, the
 * package's public surface. Here it writes into a temporary directory instead of docs/api.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'loom-docs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run docs', () => {
  beforeAll(() => {
    // without what `npm test` put in the environment about this run (npm reads npm_config_*)
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_|command$|config_call$)/.test(k)));
    const r = spawnSync('npm', ['run', 'docs', '--', '--out', out], { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`npm run docs exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }, 300_000);

  it('writes a reference page for each public construct, with its members', () => {
    const page = (name: string) => join(out, 'classes', `${name}.html`);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    for (const name of ['EksCluster', 'MlPlatform', 'AwsNetwork', 'LoomStack']) expect(existsSync(page(name)), `${name}.html`).toBe(true);
    expect(readFileSync(page('EksCluster'), 'utf8')).toContain('addServiceAccountRole');
  });

  it("documents a construct's props with the spec's own keys and defaults (the build fails on any undocumented public symbol)", () => {
    const props = readFileSync(join(out, 'interfaces', 'EksClusterProps.html'), 'utf8');
    for (const key of ['nodePools', 'autoscaler', 'endpoint', 'network', 'monitoring']) expect(props, key).toContain(`#${key.toLowerCase()}`);
    expect(props).toContain('cluster-autoscaler');
  });
});
