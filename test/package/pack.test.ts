/**
 * Loom as a package a TypeScript project uses: `npm pack` the built repository, install the
 * tarball into a fresh cdktf app outside the repository (a real `npm install`, from the npm cache
 * when it is warm), compile that app with its own TypeScript in strict mode against the published
 * .d.ts files, run it, and read the Terraform it synthesized. The app is
 * test/package/scratch-app/ (main.ts imports Loom from the package root only); change it with the
 * public API.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const fixture = join(__dirname, 'scratch-app');
const repoPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/**
 * The environment for npm and node in a child process, without what `npm test` put there about
 * this repository (`npm_config_local_prefix` would make npm install into the repository).
 */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|command$|config_local_prefix$|config_call$)/.test(key) || key === 'INIT_CWD') delete env[key];
  }
  delete env.CDKTF_OUTDIR;
  return env;
}

/** Runs a command; on failure, throws with its output so the test report says what went wrong. */
function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`\`${[command, ...args].join(' ')}\` in ${cwd} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r.stdout;
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

const temps: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, used by a TypeScript cdktf app outside the repository', () => {
  let tarball: string;
  let packed: string[];

  beforeAll(() => {
    for (const file of ['dist/index.js', 'dist/index.d.ts']) {
      if (!existsSync(join(root, file))) {
        throw new Error(`${file} is missing: this test packs the built package; run \`npm run build\` first (\`npm test\` does), with "declaration": true in tsconfig.json`);
      }
    }
    const destination = tempDir('loom-pack-');
    const [result] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], root)) as PackResult[];
    tarball = join(destination, result!.filename);
    packed = result!.files.map((f) => f.path);
  }, 300_000);

  it('ships the compiled code with its declarations, and neither the bench, the examples nor the tests', () => {
    expect(packed).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/constructs/cluster/eks-cluster.d.ts', 'bin/loom.js']));
    expect(packed.filter((p) => /^dist\/(bench|examples|test)\//.test(p))).toEqual([]);
    // Every compiled module has its declarations next to it. A .js without one is usually stale
    // output of a source that moved (tsc never deletes from dist/), which the tarball would ship.
    const js = packed.filter((p) => p.startsWith('dist/') && p.endsWith('.js'));
    const withoutDeclarations = js.filter((p) => !packed.includes(p.replace(/\.js$/, '.d.ts')));
    expect(withoutDeclarations, 'compiled modules without .d.ts (stale? `rm -rf dist && npm run build`)').toEqual([]);
  });

  it('installs into a fresh cdktf app, type-checks it in strict mode, and synthesizes an EKS cluster and its VPC', () => {
    const app = tempDir('loom-scratch-app-');
    expect(relative(root, app).startsWith('..')).toBe(true);
    cpSync(join(fixture, 'main.ts'), join(app, 'main.ts'));
    cpSync(join(fixture, 'tsconfig.json'), join(app, 'tsconfig.json'));
    // the fixture's package.json names the dependencies; "<repo>" is the version our package.json pins
    const manifest = JSON.parse(readFileSync(join(fixture, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const deps of [manifest.dependencies, manifest.devDependencies]) {
      for (const [name, version] of Object.entries(deps)) {
        if (version === '<tarball>') deps[name] = `file:${tarball}`;
        else if (version === '<repo>') {
          const pinned = repoPackage.dependencies[name] ?? repoPackage.devDependencies[name];
          if (!pinned) throw new Error(`test/package/scratch-app/package.json: ${name} is not a dependency of the repository`);
          deps[name] = pinned;
        }
      }
    }
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));

    // Scripts stay on: installing the tarball must not build it (its `prepare` is for git installs).
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], app);
    const installed = join(app, 'node_modules', repoPackage.name);
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    const installedPackage = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      types?: string;
      scripts?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(existsSync(join(installed, installedPackage.types ?? 'index.d.ts'))).toBe(true);
    expect(Object.keys(installedPackage.scripts ?? {}).filter((s) => ['preinstall', 'install', 'postinstall'].includes(s))).toEqual([]);
    expect(Object.keys(installedPackage.dependencies ?? {})).not.toContain('typescript');

    // the app's own TypeScript (strict, skipLibCheck off: the published .d.ts files are checked too)
    run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
    run(process.execPath, [join(app, 'dist', 'main.js')], app);

    const synthesized = JSON.parse(readFileSync(join(app, 'cdktf.out', 'stacks', 'scratch', 'cdk.tf.json'), 'utf8')) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(synthesized.resource?.aws_eks_cluster ?? {})).toHaveLength(1);
    expect(Object.keys(synthesized.resource?.aws_vpc ?? {})).toHaveLength(1);
  }, 300_000);
});
