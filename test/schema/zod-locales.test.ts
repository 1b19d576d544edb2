/**
 * zod without its locales evaluated up front (schema/zod-locales.ts): loading Loom's schema loads
 * no locale but English, and `z.locales` still offers every locale zod's own index does.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
/** Runs `script` in a fresh node process against the compiled schema (npm test builds first). */
function fresh(script: string): any {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(join(root, 'dist', 'schema', 'schema.js'))});${script}`], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe("zod's locales", () => {
  it('are not evaluated when the schema loads: English only', () => {
    const loaded: string[] = fresh(`console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /zod[\\\\/]v4[\\\\/]locales[\\\\/]/.test(f)).map((f) => f.split(/[\\\\/]/).pop())))`);
    expect(loaded.sort()).toEqual(['en.cjs', 'index.cjs']);
  });

  it('are all still there, each loading on first use', () => {
    const index = readFileSync(require.resolve('zod/v4/locales/index.cjs'), 'utf8');
    const names = [...index.matchAll(/defineProperty\(exports, "(\w+)"/g)].map((m) => m[1]).filter((n) => n !== '__esModule').sort();
    const out = fresh(`const { z } = require('zod'); console.log(JSON.stringify({ names: Object.keys(z.locales).sort(), fr: z.locales.fr().localeError({ code: 'invalid_type', expected: 'string', input: 1 }), zhCN: typeof z.locales.zhCN }))`);
    expect(names.length).toBeGreaterThan(40);
    expect(out.names).toEqual(names);
    expect(out.fr).toMatch(/^Entrée invalide/);
    expect(out.zhCN).toBe('function');
  });
});
