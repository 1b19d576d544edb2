/**
 * Loads zod without evaluating its fifty-odd locales up front (≈ 40 ms of every synth's start-up,
 * for messages Loom never shows): zod's classic entry re-exports every locale as `z.locales`, but
 * its schemas configure English from `locales/en` directly. This puts a stand-in for
 * `zod/v4/locales/index.cjs` in the module cache whose entries load their file on first use, so
 * `z.locales.fr` still works. Imported before `zod` by every module of Loom that imports zod;
 * a no-op when zod's layout differs (the real index then loads as usual).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const NodeModule = require('node:module') as { _cache: Record<string, unknown>; Module: new (id: string) => { filename: string; loaded: boolean; exports: unknown; paths: string[] } };

function deferLocales(): void {
  let index: string;
  try {
    index = require.resolve('zod/v4/locales/index.cjs');
  } catch {
    return;
  }
  if (NodeModule._cache[index]) return;
  const dir = dirname(index);
  const exports: Record<string, unknown> = {};
  Object.defineProperty(exports, '__esModule', { value: true });
  // File names are kebab-case (zh-CN.cjs); the index exports camelCase (zhCN).
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.cjs') || file === 'index.cjs') continue;
    const name = file.slice(0, -'.cjs'.length).replace(/-([a-zA-Z])/g, (_, c: string) => c.toUpperCase());
    Object.defineProperty(exports, name, {
      enumerable: true,
      // As the real index reads them: a locale module is its function (or an ES module's default).
      get: () => {
        const locale = require(join(dir, file)) as { __esModule?: boolean; default?: unknown };
        return locale?.__esModule ? locale.default : locale;
      },
    });
  }
  const stand = new NodeModule.Module(index);
  stand.filename = index;
  stand.loaded = true;
  stand.exports = exports;
  NodeModule._cache[index] = stand;
}

deferLocales();
