/**
 * Test harness that runs the real `terraform` binary against synthesized
 * cdktf stack directories, fully offline.
 *
 * Providers come only from a local filesystem mirror (discovered at run time,
 * never hard-coded); the public registry is explicitly excluded in the CLI
 * config so Terraform never tries the network. When either the binary or a
 * mirror is missing, {@link terraformEnv} reports `available: false` and tests
 * are expected to skip with {@link describeSkip}.
 *
 * {@link terraformPlan} plans stacks that read other stacks' state: each
 * `terraform_remote_state` is re-pointed at a fabricated local state file
 * (remote-state-fake.ts) and AWS calls made at plan time go to a fake endpoint
 * on 127.0.0.1 (fake-aws.ts). Async variants plus {@link runPool} let several
 * stacks run at once; inits are serialised because they share the plugin cache.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeAws, type FakeAwsRequest } from './fake-aws';
import { planRemoteStateFakes, writeFakeStates, type RemoteStateFake } from './remote-state-fake';

/** Result of probing the machine for terraform + a provider mirror. */
export type TerraformEnv =
  | {
      available: true;
      /** Absolute path of the terraform executable. */
      terraformBin: string;
      /** Mirror root: the parent of the `registry.terraform.io` directory. */
      mirrorDir: string;
      /** Generated CLI config file (TF_CLI_CONFIG_FILE). */
      cliConfigFile: string;
      /** Providers in the mirror for this platform, e.g. `hashicorp/aws@5.100.0`. */
      providers: string[];
    }
  | { available: false; reason: string };

/** Outcome of one harness operation (init + validate, or init + plan). */
export interface TfResult {
  ok: boolean;
  output: string;
}

/** Counts from the `Plan: N to add, N to change, N to destroy.` line. */
export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

/** Outcome of {@link terraformPlan}. */
export interface PlanResult extends TfResult {
  /** Parsed plan counts; `{0,0,0}` for "No changes", undefined when the plan failed. */
  summary?: PlanSummary;
  /** The remote-state fakes written for this plan (what each cross-stack reference read). */
  fakes: RemoteStateFake[];
  /** AWS API calls the plan made (all answered, or refused, by the loopback fake). */
  awsRequests: FakeAwsRequest[];
  /** Wall-clock milliseconds for init + plan. */
  millis: number;
  /** `terraform validate` of the stack (with the plan's overrides), when asked for ({@link PlanOptions.validate}). */
  validation?: TfResult;
}

/** Options for {@link terraformPlan}. */
export interface PlanOptions {
  /** Force this region on every aws provider config (default: keep the stack's, else us-east-1). */
  region?: string;
  /**
   * Where to look for the stacks that produce this stack's remote state (default: the stack
   * dir's parent, i.e. cdktf's `stacks/` dir).
   */
  stacksDir?: string;
  /**
   * Also `terraform validate` the stack in the plan's workdir, after its one init (cheaper than a
   * separate init and validate); the result is {@link PlanResult.validation}.
   * @default false
   */
  validate?: boolean;
}

/** Name of the override file written into plan workdirs (any `*_override.tf.json` is an override file). */
export const OVERRIDE_FILE = 'loom_test_override.tf.json';
/** Workdir subdirectory holding the fabricated remote-state files. */
const REMOTE_STATE_DIR = 'loom-remote-state';

const REGISTRY_HOST = 'registry.terraform.io';
/** Temp dirs are named `loom-tf-{cli,work}-<pid>-XXXXXX` so dirs of dead processes can be swept. */
const TMP_PREFIX = 'loom-tf-';
const TIMEOUT_MS = 180_000;
/** Grace period between SIGTERM and SIGKILL for a timed-out async terraform run. */
const KILL_GRACE_MS = 5_000;
const MAX_DEPTH = 4;
const MAX_DIRS_VISITED = 50_000;
const SKIP_DIR_NAMES = new Set(['node_modules', '.git', 'proc', 'sys']);
/** Files never copied from a stack dir: stale init state or a lock file pinned to other hashes/versions. */
const SKIP_COPY_NAMES = new Set(['.terraform', '.terraform.lock.hcl', OVERRIDE_FILE]);

let cachedEnv: TerraformEnv | undefined;

/**
 * Probe for terraform and a provider mirror; cached per process. On success a
 * CLI config (filesystem mirror only, plus a per-process plugin cache) is
 * written to a fresh temp dir that is removed when the process exits (or, if
 * the process is killed, by the next probe's sweep).
 */
export function terraformEnv(): TerraformEnv {
  cachedEnv ??= probe();
  return cachedEnv;
}

/** True if the env's mirror holds a provider with this source, e.g. `hashicorp/aws`. */
export function hasProvider(env: TerraformEnv, source: string): boolean {
  if (!env.available) return false;
  const wanted = normaliseSource(source);
  return env.providers.some((p) => p.slice(0, p.lastIndexOf('@')) === wanted);
}

/**
 * Provider sources from `terraform.required_providers` of a stack's
 * `cdk.tf.json`, normalised (`aws` and `registry.terraform.io/hashicorp/aws`
 * both become `hashicorp/aws`). Returns `[]` when there is no cdk.tf.json.
 */
export function requiredProviders(stackDir: string): string[] {
  const doc = readStackJson(stackDir);
  if (!doc) return [];
  return [...new Set(Object.entries(requiredProviderEntries(doc)).map(([, src]) => src))].sort();
}

/**
 * Copy the stack to a temp workdir, `terraform init -backend=false`, then
 * `terraform validate -json`. `ok` only when Terraform reports the config valid;
 * otherwise `output` lists every diagnostic (summary, detail, address, location).
 */
export function terraformValidate(stackDir: string): TfResult {
  const env = terraformEnv();
  if (!env.available) return { ok: false, output: describeSkip(env) };
  return withWorkdir(stackDir, (work) => {
    const init = runTerraform(env, VALIDATE_INIT_ARGS, work);
    if (!init.ok) return { ok: false, output: `terraform init failed:\n${init.output}` };
    return validateResult(runTerraform(env, VALIDATE_ARGS, work));
  });
}

/** {@link terraformValidate} without blocking the event loop, so several can run at once (see {@link runPool}). */
export async function terraformValidateAsync(stackDir: string): Promise<TfResult> {
  const env = terraformEnv();
  if (!env.available) return { ok: false, output: describeSkip(env) };
  return withWorkdirAsync(stackDir, async (work) => {
    const init = await serialInit(() => runTerraformAsync(env, VALIDATE_INIT_ARGS, work));
    if (!init.ok) return { ok: false, output: `terraform init failed:\n${init.output}` };
    return validateResult(await runTerraformAsync(env, VALIDATE_ARGS, work));
  });
}

const VALIDATE_INIT_ARGS = ['init', '-backend=false', '-input=false', '-no-color'];
const VALIDATE_ARGS = ['validate', '-no-color', '-json'];

function validateResult(run: RunResult): TfResult {
  const report = parseValidateJson(run.stdout);
  if (!report) return { ok: false, output: `terraform validate produced no JSON report:\n${run.output}` };
  const diagnostics = report.diagnostics.map(formatDiagnostic).join('\n');
  const ok = run.ok && report.valid;
  const head = ok ? 'configuration is valid' : `configuration is invalid (${report.error_count} error(s))`;
  return { ok, output: [head, diagnostics, run.stderr.trim()].filter(Boolean).join('\n') };
}

/**
 * Plan one stack offline. Copies the stack to a temp workdir and adds
 * {@link OVERRIDE_FILE}, which
 *  - replaces the backend with a local one in the workdir;
 *  - gives every aws provider config (default and aliased) mock credentials, the skip flags,
 *    a region, `max_retries = 1`, and `endpoints` for sts/iam/ec2/eks/ssm pointing at a fake
 *    AWS endpoint on 127.0.0.1 started for this plan (answers sts:GetCallerIdentity; refuses
 *    anything else with a clear error); `profile`/shared files unset; `assume_role*` neutralised;
 *  - re-points every `data.terraform_remote_state.*` to `backend = "local"` and a fabricated
 *    v4 state file whose outputs hold every output name the stack reads (values derived from
 *    the producing stack's output expressions; see remote-state-fake.ts).
 * Then `terraform init` and `terraform plan -lock=false -refresh=false`. `ok` when plan exits 0
 * and no fake problem was found (e.g. a reference to an output the producer does not define).
 */
export async function terraformPlan(stackDir: string, opts: PlanOptions = {}): Promise<PlanResult> {
  const started = Date.now();
  const base = { fakes: [] as RemoteStateFake[], awsRequests: [] as FakeAwsRequest[] };
  const env = terraformEnv();
  if (!env.available) return { ok: false, output: describeSkip(env), ...base, millis: 0 };
  let doc: Json | undefined;
  try {
    doc = readStackJson(stackDir);
  } catch (err) {
    return { ok: false, output: `cannot read cdk.tf.json: ${(err as Error).message}`, ...base, millis: 0 };
  }
  const { fakes, problems } = planRemoteStateFakes(doc ?? {}, opts.stacksDir ?? path.dirname(path.resolve(stackDir)));
  if (problems.length > 0) {
    return { ok: false, output: `cannot fake remote state:\n  ${problems.join('\n  ')}`, fakes, awsRequests: [], millis: 0 };
  }
  const fakeAws = await startFakeAws();
  try {
    const result = await withWorkdirAsync(stackDir, async (work): Promise<TfResult & { summary?: PlanSummary; validation?: TfResult }> => {
      const statePaths = writeFakeStates(path.join(work, REMOTE_STATE_DIR), fakes);
      writePlanOverrides(work, doc, opts, { awsEndpoint: fakeAws.url, remoteStates: statePaths });
      const init = await serialInit(() => runTerraformAsync(env, ['init', '-input=false', '-no-color'], work, { forPlan: true }));
      if (!init.ok) return { ok: false, output: `terraform init failed:\n${init.output}` };
      let validation: TfResult | undefined;
      if (opts.validate) {
        const v = await runTerraformAsync(env, ['validate', '-no-color'], work, { forPlan: true });
        validation = { ok: v.ok, output: v.output };
      }
      const plan = await runTerraformAsync(
        env,
        ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false'],
        work,
        { forPlan: true },
      );
      const summary = plan.ok ? parsePlanSummary(plan.stdout) : undefined;
      return { ok: plan.ok, output: plan.output, ...(summary ? { summary } : {}), ...(validation ? { validation } : {}) };
    });
    return { ...result, fakes, awsRequests: [...fakeAws.requests], millis: Date.now() - started };
  } finally {
    await fakeAws.close();
  }
}

/** `Plan: 3 to add, 0 to change, 0 to destroy.` (or "No changes.") → counts. */
export function parsePlanSummary(stdout: string): PlanSummary | undefined {
  const m = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(stdout);
  if (m) return { add: Number(m[1]), change: Number(m[2]), destroy: Number(m[3]) };
  if (/No changes\./.test(stdout)) return { add: 0, change: 0, destroy: 0 };
  return undefined;
}

/**
 * Run `fn` over `items` with at most `limit` in flight (terraform runs are CPU-bound; default
 * is min(2, CPUs), or LOOM_TF_JOBS). Results keep the input order.
 */
export async function runPool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, limit = defaultJobs()): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function defaultJobs(): number {
  const fromEnv = Number(process.env.LOOM_TF_JOBS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
}

/** One-line explanation for CI logs of whether (and why) real terraform checks are skipped. */
export function describeSkip(env: TerraformEnv): string {
  if (!env.available) return `SKIPPED real terraform checks: ${env.reason}`;
  return `real terraform checks enabled: ${env.terraformBin} with mirror ${env.mirrorDir} (${env.providers.join(', ')})`;
}

// ---------------------------------------------------------------------------
// Probing
// ---------------------------------------------------------------------------

function probe(): TerraformEnv {
  const terraformBin = findOnPath(process.platform === 'win32' ? 'terraform.exe' : 'terraform');
  if (!terraformBin) return { available: false, reason: 'terraform binary not found on PATH' };

  const mirror = findMirror();
  if ('reason' in mirror) return { available: false, reason: mirror.reason };

  sweepStaleTempDirs();
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), `${TMP_PREFIX}cli-${process.pid}-`));
  // Not reached when a test worker is killed; sweepStaleTempDirs() then cleans up on a later run.
  process.once('exit', () => fs.rmSync(configDir, { recursive: true, force: true }));
  const pluginCacheDir = path.join(configDir, 'plugin-cache');
  fs.mkdirSync(pluginCacheDir);
  const cliConfigFile = path.join(configDir, 'terraform.tfrc');
  fs.writeFileSync(cliConfigFile, cliConfig(mirror.dir, pluginCacheDir));

  const env: TerraformEnv = {
    available: true,
    terraformBin,
    mirrorDir: mirror.dir,
    cliConfigFile,
    providers: mirror.providers,
  };
  const version = runTerraform(env, ['version', '-json'], configDir);
  if (!version.ok) {
    return { available: false, reason: `'${terraformBin} version' failed: ${version.output.trim().slice(0, 500)}` };
  }
  return env;
}

/** Remove harness temp dirs left behind by processes that no longer exist (e.g. killed test workers). */
function sweepStaleTempDirs(): void {
  const pattern = new RegExp(`^${TMP_PREFIX}(?:cli|work)-(\\d+)-`);
  for (const name of safeReaddir(os.tmpdir())) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || processExists(pid)) continue;
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

/** Liveness check only: signal 0 delivers nothing. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locate an executable on PATH (no shell involved). */
function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (fs.statSync(candidate).isFile()) {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

type MirrorLookup = { dir: string; providers: string[] } | { reason: string };

/** Honour LOOM_TF_MIRROR, else search the bounded set of roots for `registry.terraform.io`. */
function findMirror(): MirrorLookup {
  const platform = goPlatform();
  const fromEnv = process.env.LOOM_TF_MIRROR;
  if (fromEnv) {
    const abs = path.resolve(fromEnv);
    const root = path.basename(abs) === REGISTRY_HOST ? path.dirname(abs) : abs;
    if (!isDir(path.join(root, REGISTRY_HOST))) {
      return { reason: `LOOM_TF_MIRROR=${fromEnv} has no ${REGISTRY_HOST} directory` };
    }
    const providers = listMirrorProviders(root, platform);
    if (providers.length === 0) return { reason: `LOOM_TF_MIRROR=${fromEnv} holds no providers for ${platform}` };
    return { dir: root, providers };
  }

  // Roots are tried in order; the first mirror with a provider for this platform wins.
  const empty: string[] = [];
  const seen = new Set<string>();
  const budget = { dirs: MAX_DIRS_VISITED };
  for (const searchRoot of mirrorSearchRoots()) {
    for (const registryDir of searchRegistryDirs(searchRoot, seen, budget)) {
      const root = path.dirname(registryDir);
      const providers = listMirrorProviders(root, platform);
      if (providers.length > 0) return { dir: root, providers };
      empty.push(registryDir);
    }
  }
  const searched = mirrorSearchRoots().join(', ');
  return empty.length > 0
    ? { reason: `provider mirror(s) ${empty.join(', ')} hold no providers for ${platform}; set LOOM_TF_MIRROR` }
    : {
        reason: `no Terraform provider mirror (a '${REGISTRY_HOST}' directory, depth <= ${MAX_DEPTH}) found under ${searched}; set LOOM_TF_MIRROR`,
      };
}

function mirrorSearchRoots(): string[] {
  const home = os.homedir();
  const xdgData = process.env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  return [
    '/opt',
    '/usr/local/share',
    '/usr/share',
    '/usr/local/lib',
    path.join(home, '.terraform.d'),
    path.join(xdgData, 'terraform'),
    '/var/lib',
    '/srv',
  ];
}

/**
 * Breadth-first search (depth ≤ {@link MAX_DEPTH}) under `root` for directories
 * named `registry.terraform.io`. Symlinked directories are followed at most once
 * (`seen` holds real paths), so loops terminate; `budget` caps total work.
 */
function searchRegistryDirs(root: string, seen: Set<string>, budget: { dirs: number }): string[] {
  const found: string[] = [];
  let level: string[] = [root];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (budget.dirs-- <= 0) return found;
      let real: string;
      try {
        real = fs.realpathSync(dir);
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      if (path.basename(dir) === REGISTRY_HOST) {
        found.push(dir);
        continue;
      }
      if (depth === MAX_DEPTH) continue;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // missing or unreadable
      }
      for (const e of entries) {
        if (SKIP_DIR_NAMES.has(e.name)) continue;
        const child = path.join(dir, e.name);
        if (e.isDirectory() || (e.isSymbolicLink() && isDir(child))) next.push(child);
      }
    }
    level = next;
  }
  return found;
}

/**
 * Providers in a mirror for one platform, as `namespace/type@version`. Handles
 * both the unpacked layout (`ns/type/version/os_arch/`) and the packed one
 * (`ns/type/terraform-provider-type_version_os_arch.zip`).
 */
function listMirrorProviders(mirrorRoot: string, platform: string): string[] {
  const out = new Set<string>();
  const registry = path.join(mirrorRoot, REGISTRY_HOST);
  for (const ns of subdirs(registry)) {
    for (const type of subdirs(path.join(registry, ns))) {
      const typeDir = path.join(registry, ns, type);
      for (const version of subdirs(typeDir)) {
        if (isDir(path.join(typeDir, version, platform))) out.add(`${ns}/${type}@${version}`);
      }
      const zip = new RegExp(`^terraform-provider-${escapeRegExp(type)}_(.+)_${escapeRegExp(platform)}\\.zip$`);
      for (const name of safeReaddir(typeDir)) {
        const m = zip.exec(name);
        if (m) out.add(`${ns}/${type}@${m[1]}`);
      }
    }
  }
  return [...out].sort();
}

/** Terraform's `os_arch` string for this machine, e.g. `linux_amd64`. */
function goPlatform(): string {
  const osName = process.platform === 'win32' ? 'windows' : process.platform;
  const archMap: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
  return `${osName}_${archMap[process.arch] ?? process.arch}`;
}

/** CLI config: mirror-only installation for the public registry, plus a shared plugin cache. */
function cliConfig(mirrorDir: string, pluginCacheDir: string): string {
  return [
    `plugin_cache_dir   = ${hclString(pluginCacheDir)}`,
    'disable_checkpoint = true',
    '',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${hclString(mirrorDir)}`,
    `    include = ["${REGISTRY_HOST}/*/*"]`,
    '  }',
    '  direct {',
    `    exclude = ["${REGISTRY_HOST}/*/*"]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Quote a string for HCL, escaping template sequences too. */
function hclString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

// ---------------------------------------------------------------------------
// Running terraform
// ---------------------------------------------------------------------------

interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** stdout + stderr (+ timeout/spawn error), for humans. */
  output: string;
}

/** Run terraform with the hermetic environment; never throws. */
function runTerraform(
  env: Extract<TerraformEnv, { available: true }>,
  args: string[],
  cwd: string,
  opts: { forPlan?: boolean } = {},
): RunResult {
  const res = spawnSync(env.terraformBin, args, {
    cwd,
    env: terraformProcessEnv(env.cliConfigFile, opts.forPlan ?? false),
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = res.stdout ?? '';
  const stderr = res.stderr ?? '';
  const problems: string[] = [];
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    problems.push(
      code === 'ETIMEDOUT'
        ? `terraform ${args[0]} timed out after ${TIMEOUT_MS / 1000}s`
        : `failed to run terraform: ${res.error.message}`,
    );
  } else if (res.signal) {
    problems.push(`terraform ${args[0]} killed by ${res.signal}`);
  }
  const output = [stdout.trimEnd(), stderr.trimEnd(), ...problems].filter(Boolean).join('\n');
  return { ok: !res.error && res.status === 0, stdout, stderr, output };
}

let initQueue: Promise<unknown> = Promise.resolve();

/**
 * Run `terraform init`s of this process one at a time: they share one plugin cache dir, which
 * Terraform does not guarantee safe for concurrent installs. Inits take about a second; the
 * validate/plan runs after them still overlap.
 */
function serialInit(run: () => Promise<RunResult>): Promise<RunResult> {
  const next = initQueue.then(run, run);
  initQueue = next.catch(() => undefined);
  return next;
}

/** {@link runTerraform} without blocking the event loop (the fake AWS endpoint lives in this process). */
function runTerraformAsync(
  env: Extract<TerraformEnv, { available: true }>,
  args: string[],
  cwd: string,
  opts: { forPlan?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(env.terraformBin, args, {
      cwd,
      env: terraformProcessEnv(env.cliConfigFile, opts.forPlan ?? false),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const problems: string[] = [];
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      problems.push(`terraform ${args[0]} timed out after ${TIMEOUT_MS / 1000}s`);
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    }, TIMEOUT_MS);
    let spawnError: Error | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (spawnError) problems.push(`failed to run terraform: ${spawnError.message}`);
      else if (signal && problems.length === 0) problems.push(`terraform ${args[0]} killed by ${signal}`);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const output = [stdout.trimEnd(), stderr.trimEnd(), ...problems].filter(Boolean).join('\n');
      resolve({ ok: !spawnError && problems.length === 0 && status === 0, stdout, stderr, output });
    });
  });
}

/** Process env for terraform: ours wins; ambient knobs that could redirect or reshape runs are removed. */
function terraformProcessEnv(cliConfigFile: string, forPlan: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith('TF_LOG') || // TF_LOG, TF_LOG_PATH, TF_LOG_CORE, TF_LOG_PROVIDER
      key.startsWith('TF_CLI_ARGS') || // would inject extra flags into init/plan
      key === 'TF_PLUGIN_CACHE_DIR' || // would override our plugin_cache_dir
      key === 'TF_DATA_DIR' ||
      key === 'TF_WORKSPACE'
    ) {
      delete env[key];
    }
  }
  if (forPlan) {
    // A named profile that does not exist locally makes the AWS provider fail even with static keys.
    delete env.AWS_PROFILE;
    delete env.AWS_DEFAULT_PROFILE;
    // The fake AWS endpoint is on loopback; never send it through a proxy (Go skips loopback anyway).
    const noProxy = [env.NO_PROXY ?? env.no_proxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
    env.NO_PROXY = noProxy;
    env.no_proxy = noProxy;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Copy `stackDir` into a fresh temp workdir, run `fn` there, and always remove the workdir. */
function withWorkdir(stackDir: string, fn: (work: string) => TfResult): TfResult {
  if (!isDir(stackDir)) return { ok: false, output: `stack directory not found: ${stackDir}` };
  const work = makeWorkdir(stackDir);
  try {
    return fn(work);
  } finally {
    // Provider dirs under .terraform are symlinks into the plugin cache; rmSync unlinks them without following.
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** {@link withWorkdir} for async work. */
async function withWorkdirAsync<R extends TfResult>(stackDir: string, fn: (work: string) => Promise<R>): Promise<R | TfResult> {
  if (!isDir(stackDir)) return { ok: false, output: `stack directory not found: ${stackDir}` };
  const work = makeWorkdir(stackDir);
  try {
    return await fn(work);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function makeWorkdir(stackDir: string): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${TMP_PREFIX}work-${process.pid}-`));
  fs.cpSync(stackDir, work, {
    recursive: true,
    filter: (src) => src === stackDir || !SKIP_COPY_NAMES.has(path.basename(src)),
  });
  return work;
}

// ---------------------------------------------------------------------------
// validate -json
// ---------------------------------------------------------------------------

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number; column: number } };
  /** `context` names the enclosing block, e.g. `resource.aws_vpc.main` (JSON configs rarely get `address`). */
  snippet?: { context?: string | null };
}

interface ValidateReport {
  valid: boolean;
  error_count: number;
  diagnostics: Diagnostic[];
}

function parseValidateJson(stdout: string): ValidateReport | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(stdout.slice(start)) as Partial<ValidateReport>;
    if (typeof parsed.valid !== 'boolean') return undefined;
    return { valid: parsed.valid, error_count: parsed.error_count ?? 0, diagnostics: parsed.diagnostics ?? [] };
  } catch {
    return undefined;
  }
}

function formatDiagnostic(d: Diagnostic): string {
  const where = d.range ? ` (${d.range.filename}:${d.range.start.line})` : '';
  const at = d.address ?? d.snippet?.context;
  const address = at ? ` [${at}]` : '';
  const detail = d.detail ? `\n  ${d.detail.replace(/\n/g, '\n  ')}` : '';
  return `${d.severity}: ${d.summary}${address}${where}${detail}`;
}

// ---------------------------------------------------------------------------
// Plan overrides
// ---------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** Arguments merged into every aws provider config for an offline plan. */
const MOCK_AWS_ARGS: Json = {
  access_key: 'mock',
  secret_key: 'mock',
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
  // Fail fast: any AWS call goes to the loopback fake, which answers or refuses at once.
  max_retries: 1,
};
/** Services whose endpoint the override points at the fake AWS server. */
const FAKE_AWS_SERVICES = ['sts', 'iam', 'ec2', 'eks', 'ssm'];
/** `null` in an override means "unset": drop a profile / shared files that may not exist here. */
const UNSET_AWS_ARGS: Json = { profile: null, shared_config_files: null, shared_credentials_files: null };
const DEFAULT_REGION = 'us-east-1';

/**
 * Write the plan override. Terraform merges an override `provider` block into
 * the original config with the same local name and alias, argument by
 * argument. An aliased override with no original is an error ("Missing base
 * provider configuration for override"), while an absent default config may be
 * overridden (it is implicitly empty) — so one entry is emitted per declared
 * config (cdktf layout: `"provider": {"aws": [{...}, {"alias": "x", ...}]}`)
 * plus the default one. The `terraform.backend` override replaces whatever
 * backend (or `cloud` block) the stack had.
 */
function writePlanOverrides(
  work: string,
  doc: Json | undefined,
  opts: PlanOptions,
  fakes: { awsEndpoint: string; remoteStates: Map<string, string> },
): void {
  const override: Json = {
    terraform: { backend: { local: { path: path.join(work, 'terraform.tfstate') } } },
  };
  const providers: Record<string, Json[]> = {};
  for (const localName of awsLocalNames(doc)) {
    const configs = providerConfigs(doc, localName);
    if (!configs.some((cfg) => cfg.alias === undefined)) configs.unshift({});
    providers[localName] = configs.map((cfg) => mockProviderConfig(cfg, opts, fakes.awsEndpoint));
  }
  if (Object.keys(providers).length > 0) override.provider = providers;
  // `config` is one argument, so the override replaces it wholesale; `workspace` stays
  // `terraform.workspace` ("default"), for which the local backend reads `path` itself.
  if (fakes.remoteStates.size > 0) {
    const remote: Record<string, Json> = {};
    for (const [name, statePath] of fakes.remoteStates) remote[name] = { backend: 'local', config: { path: statePath } };
    override.data = { terraform_remote_state: remote };
  }
  fs.writeFileSync(path.join(work, OVERRIDE_FILE), JSON.stringify(override, null, 2));
}

/** Override entry for one aws provider config: mock credentials, skip flags, region, fake endpoints, no STS role hops. */
function mockProviderConfig(cfg: Json, opts: PlanOptions, awsEndpoint: string): Json {
  const entry: Json = { ...MOCK_AWS_ARGS, ...UNSET_AWS_ARGS };
  // A nested block in an override replaces the original's (if any) entirely.
  entry.endpoints = [Object.fromEntries(FAKE_AWS_SERVICES.map((svc) => [svc, awsEndpoint]))];
  if (typeof cfg.alias === 'string') entry.alias = cfg.alias;
  if (opts.region !== undefined || cfg.region === undefined) entry.region = opts.region ?? DEFAULT_REGION;
  // Nested blocks cannot be removed by an override, only replaced; AWS provider 5.x skips
  // role assumption when role_arn is empty, which keeps plan away from STS.
  if (cfg.assume_role !== undefined) entry.assume_role = [{ role_arn: '' }];
  if (cfg.assume_role_with_web_identity !== undefined) {
    entry.assume_role_with_web_identity = [{ role_arn: '', web_identity_token: 'mock' }];
  }
  return entry;
}

/** Local names bound to hashicorp/aws (cdktf uses `"aws": {"source": "aws"}`); `aws` if used but undeclared. */
function awsLocalNames(doc: Json | undefined): string[] {
  if (!doc) return [];
  const names = Object.entries(requiredProviderEntries(doc))
    .filter(([, src]) => src === 'hashicorp/aws')
    .map(([name]) => name);
  if (names.length > 0) return names;
  // Implicit: any aws_* resource or an "aws" provider block means local name "aws".
  const usesAws =
    asObject(asObject(doc.provider)?.aws) !== undefined ||
    Array.isArray(asObject(doc.provider)?.aws) ||
    ['resource', 'data'].some((k) => Object.keys(asObject(doc[k]) ?? {}).some((t) => t.startsWith('aws_')));
  return usesAws ? ['aws'] : [];
}

/** The provider configs declared for a local name (array or single-object JSON form). */
function providerConfigs(doc: Json | undefined, localName: string): Json[] {
  const raw = asObject(doc?.provider)?.[localName];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((c) => asObject(c)).filter((c): c is Json => c !== undefined);
}

// ---------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------

function readStackJson(stackDir: string): Json | undefined {
  const file = path.join(stackDir, 'cdk.tf.json');
  if (!fs.existsSync(file)) return undefined;
  return asObject(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** `required_providers` as local name → normalised source. */
function requiredProviderEntries(doc: Json): Record<string, string> {
  const terraformBlocks = Array.isArray(doc.terraform) ? doc.terraform : [doc.terraform];
  const out: Record<string, string> = {};
  for (const block of terraformBlocks) {
    const rpBlocks = asObject(block)?.required_providers;
    for (const rp of Array.isArray(rpBlocks) ? rpBlocks : [rpBlocks]) {
      for (const [name, spec] of Object.entries(asObject(rp) ?? {})) {
        const src = asObject(spec)?.source;
        // Legacy form `"aws": "~> 5.0"` (version only) implies source = local name.
        out[name] = normaliseSource(typeof src === 'string' ? src : name);
      }
    }
  }
  return out;
}

/** `aws` → `hashicorp/aws`; `registry.terraform.io/hashicorp/aws` → `hashicorp/aws`; other hosts kept. */
function normaliseSource(source: string): string {
  const parts = source.trim().toLowerCase().split('/');
  if (parts.length === 1) return `hashicorp/${parts[0]}`;
  if (parts.length === 3 && parts[0] === REGISTRY_HOST) return `${parts[1]}/${parts[2]}`;
  return parts.join('/');
}

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

// ---------------------------------------------------------------------------
// fs helpers
// ---------------------------------------------------------------------------

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function subdirs(dir: string): string[] {
  return safeReaddir(dir).filter((name) => isDir(path.join(dir, name)));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
