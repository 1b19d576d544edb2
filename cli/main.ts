#!/usr/bin/env node
/**
 * The `loom` command.
 *
 *   loom validate <spec> [--explain]   exit 0 with a summary, 1 with every problem, 2 on usage/I/O
 *   loom synth <spec> [--out DIR]      atomic: a failure leaves DIR exactly as it was
 */
import { Command, CommanderError } from 'commander';
import { stringify } from 'yaml';
import { loadSpecFile } from '../spec/load';
import { resolvePlan } from '../spec/plan';
import { EXIT, report } from './report';
import { summarize } from './summary';
import { synthToDirectory } from './synth';

function printWarnings(warnings: readonly { path: string; message: string }[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
}

export function buildProgram(): Command {
  const program = new Command('loom')
    .description('Loom: synthesize Terraform for a machine-learning platform from platform.yaml')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('validate')
    .description('check a spec and summarize what it would build; exit 1 lists every problem')
    .argument('<spec>', 'platform.yaml (YAML or JSON)')
    .option('--explain', 'print the spec with every default filled in')
    .action((file: string, opts: { explain?: boolean }) => {
      const { spec, warnings } = loadSpecFile(file);
      printWarnings(warnings);
      if (opts.explain) process.stdout.write(stringify(spec));
      process.stdout.write(`${summarize(resolvePlan(spec))}\nvalid: ${file}\n`);
    });

  program
    .command('synth')
    .description('synthesize Terraform for every stack of the platform into DIR (atomically)')
    .argument('<spec>', 'platform.yaml (YAML or JSON)')
    .option('-o, --out <dir>', 'output directory', 'cdktf.out')
    .action((file: string, opts: { out: string }) => {
      const { spec, warnings } = loadSpecFile(file);
      printWarnings(warnings);
      const started = Date.now();
      const result = synthToDirectory(spec, opts.out);
      process.stdout.write(`synthesized ${result.stacks.length} stacks into ${opts.out} in ${((Date.now() - started) / 1000).toFixed(1)}s:\n${result.stacks.map((s) => `  ${s}`).join('\n')}\n`);
    });

  return program;
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
    return report(e);
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2));
}
