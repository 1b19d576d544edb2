#!/usr/bin/env node
/**
 * The `loom` command.
 *
 *   loom validate <spec|-> [--explain]   exit 0 with a summary, 1 with every problem, 2 on usage/I/O
 *   loom synth <spec> [--out DIR]        atomic: a failure leaves DIR exactly as it was
 *   loom stacks <spec> [--format F]      the stacks in apply order, what each holds and reads
 *   loom maturity <spec> [--format F]    the platform's level L0–L4 and the step to add next
 *   loom diagram <spec> [--out FILE]     a picture of the platform (SVG)
 *   loom cost <spec> [--usage FILE]      build vs buy per component, pivots, platform totals
 *   loom check <spec> | --out DIR        the policy packs over what was synthesized
 *   loom ci github <spec> [--out FILE]   a GitHub Actions workflow: plan on PRs, apply on merge
 *   loom schema                          the spec's JSON Schema, for editors
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import '../schema/zod-locales';
import { z } from 'zod';
import { loadSpecFile, SpecInputError } from '../schema/load';
import { resolvePlan } from '../plan';
import { formatMaturity, platformMaturity } from '../plan/maturity';
import { ENVIRONMENTS, platformSchema, POLICY_PACKS, type PlatformSpec } from '../schema/schema';
import { evaluationDate } from '../catalog/today';
import { EXIT, report } from './report';
import { summarize } from './summary';
// Each command loads what it needs: synth brings cdktf, every construct and the policy rules,
// which `loom cost` or `loom maturity` must not pay for.
const synthModule = () => require('./synth') as typeof import('./synth');
const stacksModule = () => require('./stacks') as typeof import('./stacks');

function printWarnings(warnings: readonly { path: string; message: string }[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
}

/** The package's version, from its package.json (two levels up from both cli/ and dist/cli/). */
function packageVersion(): string {
  for (const up of ['..', join('..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.version && pkg.name) return pkg.version;
    } catch {
      // not this level
    }
  }
  return 'unknown';
}

const EXIT_CODES = `
Exit codes:
  0  success
  1  the spec (or a check) says no: every problem listed, one per line, as <path>: <message>
  2  usage or I/O problem: unknown option, missing file, YAML that does not parse (with line:column)`;

/** The JSON Schema of platform.yaml as written (defaults optional), from the one zod schema. */
export function specJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(platformSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Loom platform.yaml',
    description: 'A Loom platform spec: network, clusters, components (build or buy), residency and policies.',
  };
}

export function buildProgram(): Command {
  const program = new Command('loom')
    .description('Loom: synthesize Terraform for a machine-learning platform from platform.yaml')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `${EXIT_CODES}

Examples:
  loom validate platform.yaml
  loom synth platform.yaml --out cdktf.out
  loom stacks platform.yaml
  loom maturity platform.yaml
  loom diagram platform.yaml --out platform.svg
  loom cost platform.yaml --usage usage.yaml
  loom check platform.yaml --format sarif > loom.sarif
  loom ci github platform.yaml --out .github/workflows/platform.yml`,
    );

  program
    .command('validate')
    .description('check a spec and summarize what it would build; exit 1 lists every problem')
    .argument('<spec>', "platform.yaml (YAML or JSON), or '-' for standard input")
    .option('--explain', 'print the spec with every default filled in')
    .addHelpText('after', `${EXIT_CODES}\n\nExamples:\n  loom validate platform.yaml --explain\n  cat platform.yaml | loom validate -`)
    .action((file: string, opts: { explain?: boolean }) => {
      const { spec, warnings } = loadSpecFile(file);
      printWarnings(warnings);
      const plan = resolvePlan(spec);
      const summary = `${summarize(plan)}\nvalid: ${file === '-' ? '<stdin>' : file}`;
      // With --explain stdout is one YAML document that validates as it is; the summary follows as comments.
      const { renderExplained } = require('./explain') as typeof import('./explain');
      if (opts.explain) process.stdout.write(`${renderExplained(spec, plan)}${summary.replace(/^/gm, '# ')}\n`);
      else process.stdout.write(`${summary}\n`);
    });

  program
    .command('synth')
    .description('synthesize Terraform for every stack of the platform into DIR (atomically)')
    .argument('<spec>', 'platform.yaml (YAML or JSON)')
    .option('-o, --out <dir>', 'output directory (created with its parents; replaced only if it is a Loom output)', 'cdktf.out')
    .addHelpText('after', `${EXIT_CODES}\n\nExamples:\n  loom synth platform.yaml\n  loom synth platform.yaml --out build/terraform`)
    .action((file: string, opts: { out: string }) => {
      const { spec, warnings } = loadSpecFile(file);
      printWarnings(warnings);
      const started = Date.now();
      const result = synthModule().synthToDirectory(spec, opts.out);
      process.stdout.write(`synthesized ${result.stacks.length} stacks into ${opts.out} in ${((Date.now() - started) / 1000).toFixed(1)}s:\n${result.stacks.map((s) => `  ${s}`).join('\n')}\n`);
      const policies = result.policies;
      if (policies) {
        for (const f of policies.findings.filter((x) => !x.excepted)) process.stderr.write(`warning: ${f.findingId} ${f.path}: ${f.message}\n`);
        for (const e of policies.exceptions.filter((x) => x.status !== 'applied')) process.stderr.write(`warning: policies.exceptions[${e.index}]: ${e.status}${e.note ? ` — ${e.note}` : ' (it matched no finding; remove it)'}\n`);
        process.stdout.write(`policies (${policies.packs.join(', ')}): ${policies.summary.errors} errors, ${policies.summary.warnings} warnings, ${policies.summary.excepted} excepted\n`);
      }
    });

  program
    .command('stacks')
    .description('list the stacks in apply order (dependencies first; destroy in reverse), with what each holds and reads')
    .argument('<spec>', "platform.yaml (YAML or JSON), or '-' for standard input")
    .option('--format <format>', 'text or json', 'text')
    .addHelpText('after', `${EXIT_CODES}\n\nExamples:\n  loom stacks platform.yaml\n  loom stacks platform.yaml --format json | jq -r '.[].name'`)
    .action((file: string, opts: { format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new SpecInputError(`--format: must be text or json, got '${opts.format}'`);
      const { spec, warnings } = loadSpecFile(file);
      printWarnings(warnings);
      const { formatStacks, platformStacks } = stacksModule();
      const stacks = platformStacks(spec);
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(stacks, null, 2)}\n` : formatStacks(stacks));
    });

  program
    .command('maturity')
    .description("the platform's level on the maturity ladder (L1 tracking + version control … L4 feature store, GPU scheduling, CI/CD), what each level has and misses, and the step to add next")
    .argument('<spec>', "platform.yaml (YAML or JSON), or '-' for standard input")
    .option('--format <format>', 'text or json', 'text')
    .addHelpText('after', `${EXIT_CODES}\n\nExamples:\n  loom maturity platform.yaml\n  loom maturity platform.yaml --format json | jq .next`)
    .action((file: string, opts: { format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new SpecInputError(`--format: must be text or json, got '${opts.format}'`);
      const { spec, warnings } = loadSpecFile(file);
      printWarnings(warnings);
      const report = platformMaturity(spec);
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatMaturity(spec.name, report));
    });

  program
    .command('diagram')
    .description('a picture of the platform as SVG: stacks as boxes, clusters with their pools (GPU pools marked), components by product and mode, arrows for what consumes what')
    .argument('<spec>', "platform.yaml (YAML or JSON), or '-' for standard input")
    .option('-o, --out <file>', 'write the SVG here (parents created) instead of standard output')
    .addHelpText('after', `${EXIT_CODES}\n\nExamples:\n  loom diagram platform.yaml --out platform.svg`)
    .action((file: string, opts: { out?: string }) => {
      const { spec, warnings } = loadSpecFile(file);
      printWarnings(warnings);
      const { platformDiagram } = require('./diagram') as typeof import('./diagram');
      const svg = platformDiagram(resolvePlan(spec));
      if (!opts.out) {
        process.stdout.write(svg);
        return;
      }
      mkdirSync(dirname(opts.out), { recursive: true });
      writeFileSync(opts.out, svg);
      process.stdout.write(`wrote ${opts.out}\n`);
    });

  program
    .command('cost')
    .description('what each component costs a month built and bought on the spec\'s cloud and region, where along its scale driver the two meet (the pivot), and the platform\'s totals')
    .argument('<spec>', "platform.yaml (YAML or JSON), or '-' for standard input")
    .option('--usage <file>', 'workload and labour inputs (YAML or JSON): a profile (size: small | medium | large) and any overrides; default the medium profile')
    .option('--format <format>', 'table, json or markdown', 'table')
    .addHelpText('after', `${EXIT_CODES}\n\nExamples:\n  loom cost platform.yaml\n  loom cost platform.yaml --usage usage.yaml --format markdown > cost.md\n  loom cost platform.yaml --format json | jq '.components[] | {name, pivot}'`)
    .action((file: string, opts: { usage?: string; format: string }) => {
      const { COST_FORMATS, formatCostMarkdown, formatCostTable } = require('./cost') as typeof import('./cost');
      if (!(COST_FORMATS as readonly string[]).includes(opts.format)) throw new SpecInputError(`--format: must be ${COST_FORMATS.join(', ')}, got '${opts.format}'`);
      const { loadUsageFile, resolveUsage } = require('../schema/usage') as typeof import('../schema/usage');
      const { platformCost } = require('../plan/cost') as typeof import('../plan/cost');
      const usage = resolveUsage(opts.usage ? loadUsageFile(opts.usage) : undefined);
      const { spec, warnings } = loadSpecFile(file);
      printWarnings(warnings);
      const report = platformCost(resolvePlan(spec), usage);
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(opts.format === 'markdown' ? formatCostMarkdown(report, spec.name) : formatCostTable(report, spec.name));
    });

  program
    .command('check')
    .description('run the policy packs over what was synthesized: the spec synthesized afresh, or an existing output directory (Loom\'s or any cdktf app\'s)')
    .argument('[spec]', "platform.yaml (YAML or JSON), or '-' for standard input; with --out, its packs and exceptions apply to that directory")
    .option('-o, --out <dir>', 'check this synthesized directory instead of synthesizing')
    .option('--format <format>', 'table, json or sarif', 'table')
    .option('--pack <pack...>', 'packs for a directory without a spec (default: those recorded by loom synth, else baseline)')
    .option('--environment <env>', 'dev, staging or prod, for a directory without a spec (default: recorded, else prod)')
    .option('--list-rules', 'list the catalogue: every rule with its area, severities and anchors')
    .addHelpText('after', `${EXIT_CODES}\n  (check: 1 when an unexcepted error-level finding remains)\n\nExamples:\n  loom check platform.yaml\n  loom check --out cdktf.out --format sarif > loom.sarif\n  loom check --list-rules`)
    .action((file: string | undefined, opts: { out?: string; format: string; pack?: string[]; environment?: string; listRules?: boolean }) => {
      const { CHECK_FORMATS, formatCheckTable, reportJson, reportSarif } = require('./check') as typeof import('./check');
      const policies = require('../policies') as typeof import('../policies');
      if (opts.listRules) {
        for (const r of policies.RULES) process.stdout.write(`${r.id}  ${r.title}\n    ${Object.entries(r.severity).map(([p, v]) => `${p}: ${v}`).join(', ')}${r.suppressible === false ? '; cannot be excepted in prod' : ''}\n    anchors: ${r.anchors.join(', ')}\n`);
        return;
      }
      if (!(CHECK_FORMATS as readonly string[]).includes(opts.format)) throw new SpecInputError(`--format: must be ${CHECK_FORMATS.join(', ')}, got '${opts.format}'`);
      const report = runCheck(file, opts);
      const text =
        opts.format === 'json'
          ? `${JSON.stringify(reportJson(report), null, 2)}\n`
          : opts.format === 'sarif'
            ? `${JSON.stringify(reportSarif(report, policies.RULES, packageVersion()), null, 2)}\n`
            : formatCheckTable(report);
      process.stdout.write(text);
      if (report.summary.errors > 0) throw new CheckFailed();
    });

  const ci = program.command('ci').description('write CI pipelines that plan and apply the stacks in dependency order');
  ci.command('github')
    .description('a GitHub Actions workflow: terraform plan of every stack on pull requests, apply on pushes to the branch, OIDC credentials')
    .argument('<spec>', 'platform.yaml (YAML or JSON), as the repository holds it')
    .option('-o, --out <file>', 'write the workflow here (parents created) instead of standard output')
    .option('--branch <branch>', 'the branch whose pushes apply', 'main')
    .option('--aws-role-arn <arn>', 'AWS: IAM role assumed through GitHub OIDC (default: the repository variable LOOM_AWS_ROLE_ARN)')
    .option('--gcp-workload-identity-provider <name>', 'Google Cloud: workload identity provider (default: variable LOOM_GCP_WORKLOAD_IDENTITY_PROVIDER)')
    .option('--gcp-service-account <email>', 'Google Cloud: service account to impersonate (default: variable LOOM_GCP_SERVICE_ACCOUNT)')
    .option('--runs-on <label>', 'runner label; a private cluster API needs a runner that can reach it', 'ubuntu-latest')
    .addHelpText('after', `${EXIT_CODES}\n\nExamples:\n  loom ci github platform.yaml --out .github/workflows/platform.yml\n  loom ci github platform.yaml --runs-on self-hosted --aws-role-arn arn:aws:iam::123456789012:role/ci`)
    .action(
      (
        file: string,
        opts: { out?: string; branch: string; awsRoleArn?: string; gcpWorkloadIdentityProvider?: string; gcpServiceAccount?: string; runsOn: string },
      ) => {
        const { spec, warnings } = loadSpecFile(file);
        printWarnings(warnings);
        if (spec.state.backend === 'local') {
          process.stderr.write('warning: state.backend: local state does not survive a CI runner; use s3 or gcs for a pipeline\n');
        }
        const { githubWorkflow, renderWorkflow } = require('./ci-github') as typeof import('./ci-github');
        const workflow = githubWorkflow(spec, stacksModule().platformStacks(spec), {
          specPath: file,
          branch: opts.branch,
          runsOn: opts.runsOn,
          ...(opts.awsRoleArn ? { awsRoleArn: opts.awsRoleArn } : {}),
          ...(opts.gcpWorkloadIdentityProvider ? { gcpWorkloadIdentityProvider: opts.gcpWorkloadIdentityProvider } : {}),
          ...(opts.gcpServiceAccount ? { gcpServiceAccount: opts.gcpServiceAccount } : {}),
        });
        const text = renderWorkflow(workflow, `loom ci github ${file}`);
        if (!opts.out) {
          process.stdout.write(text);
          return;
        }
        try {
          mkdirSync(dirname(opts.out), { recursive: true });
          writeFileSync(opts.out, text);
        } catch (e) {
          throw new SpecInputError(`${opts.out}: cannot write the workflow (${(e as Error).message})`);
        }
        process.stdout.write(`wrote ${opts.out}\n`);
      },
    );

  program
    .command('schema')
    .description("print the JSON Schema of platform.yaml (for YAML language servers and editors)")
    .addHelpText('after', `${EXIT_CODES}\n\nExamples:\n  loom schema > platform.schema.json`)
    .action(() => {
      process.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
    });

  return program;
}

/** `loom check` found unexcepted errors: its report is printed, the exit code is 1. */
class CheckFailed extends Error {}

/** Which stacks `loom check` reads, under which settings and exceptions. */
function runCheck(file: string | undefined, opts: { out?: string; pack?: string[]; environment?: string }): import('../policies').PolicyReport {
  const policies = require('../policies') as typeof import('../policies');
  if (opts.pack) for (const p of opts.pack) if (!(POLICY_PACKS as readonly string[]).includes(p)) throw new SpecInputError(`--pack: must be ${POLICY_PACKS.join(', ')}, got '${p}'`);
  if (opts.environment && !(ENVIRONMENTS as readonly string[]).includes(opts.environment)) throw new SpecInputError(`--environment: must be ${ENVIRONMENTS.join(', ')}, got '${opts.environment}'`);
  let spec: PlatformSpec | undefined;
  if (file) {
    const loaded = loadSpecFile(file);
    printWarnings(loaded.warnings);
    spec = loaded.spec;
  }
  if (!opts.out) {
    if (!spec) throw new SpecInputError('give a spec to synthesize and check, or --out DIR to check a synthesized directory');
    // Synthesize afresh into a scratch directory (the gate off: every finding is reported here).
    const dir = mkdtempSync(join(tmpdir(), 'loom-check-'));
    try {
      synthModule().synthToDirectory(spec, join(dir, 'out'), { policies: false });
      return policies.checkStacks(policies.readSynthDirectory(join(dir, 'out')), policies.specPolicies(spec), file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  let stacks: import('../policies').SynthStack[];
  try {
    stacks = policies.readSynthDirectory(opts.out);
  } catch (e) {
    throw new SpecInputError((e as Error).message);
  }
  if (spec) return policies.checkStacks(stacks, policies.specPolicies(spec), file);
  const recorded = readRecordedPolicies(opts.out);
  const packs = (opts.pack as import('../policies').PackName[] | undefined) ?? recorded?.packs ?? ['baseline'];
  const environment = (opts.environment as 'dev' | 'staging' | 'prod' | undefined) ?? recorded?.environment ?? 'prod';
  return policies.checkStacks(
    stacks,
    {
      settings: { environment, packs, allowedRegions: recorded?.allowedRegions ?? [], managedServicesForbidden: recorded?.managedServicesForbidden ?? false, ...(recorded?.cloud ? { cloud: recorded.cloud } : {}), today: evaluationDate() },
      exceptions: recorded?.exceptions ?? [],
    },
    join(opts.out, '.loom-output.json'),
  );
}

/** The policy settings `loom synth` recorded beside its output, if any. */
function readRecordedPolicies(dir: string): (Omit<import('../policies').PolicySettings, 'today'> & { exceptions: import('../policies').PolicyException[] }) | undefined {
  try {
    const marker = JSON.parse(readFileSync(join(dir, '.loom-output.json'), 'utf8')) as { policies?: Omit<import('../policies').PolicySettings, 'today'> & { exceptions: import('../policies').PolicyException[] } };
    return marker.policies;
  } catch {
    return undefined;
  }
}

export function run(argv: string[]): number {
  try {
    buildProgram().parse(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successes; anything else commander rejects is a usage error. Plain
      // `loom` (no command) also shows help, as 'commander.help' with exit code 1: a usage error.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    if (e instanceof CheckFailed) return EXIT.invalid;
    return report(e);
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2));
}
