/**
 * The installed `loom` command (bin/loom.js → dist/cli/main.js) runs the CLI and passes its exit
 * code on: what `npx loom …` does for a user.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const built = existsSync(join(root, 'dist', 'cli', 'main.js'));
if (!built) console.warn('SKIPPED bin/loom.js tests: dist/ is not built; run `npm run build` (npm test does)');

const loom = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'loom.js'), ...args], { cwd: root, encoding: 'utf8' });
const loomWithInput = (input: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'loom.js'), ...args], { cwd: root, encoding: 'utf8', input });

describe.skipIf(!built)('bin/loom.js', () => {
  it('validates a spec and exits 0 with the summary', () => {
    const r = loom('validate', 'examples/aws-minimal.yaml');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('valid: examples/aws-minimal.yaml');
  });

  it('exits 2 for a missing file and 1 for an invalid spec', () => {
    expect(loom('validate', 'no-such-platform.yaml').status).toBe(2);
    const invalid = loom('validate', 'test/schema/fixtures/invalid-rules.yaml');
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/^[a-z][\w.[\]]*: /m);
  });

  it('exits 2 with usage when no command is given', () => {
    expect(loom().status).toBe(2);
  });

  it("validate - reads the spec from standard input, and names it <stdin> in problems", () => {
    const ok = loomWithInput(readFileSync(join(root, 'examples', 'aws-minimal.yaml'), 'utf8'), 'validate', '-');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/valid: <stdin>\n$/);
    const bad = loomWithInput('name: x\ncloud: aws\n', 'validate', '-');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^<stdin>: \d+ problems?/);
  });
});
