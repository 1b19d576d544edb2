/**
 * The cdktf app entry (`cdktf.json`'s `app`): synthesizes the platform described by the spec
 * file in `LOOM_SPEC` (default: the AWS example).
 */
import { App } from './constructs/core/cdk';
import { withoutCreationStacks } from './constructs/core/stack-traces';
import { loadSpecFile } from './schema/load';
import { MlPlatform } from './stacks/ml-platform';
import { reportAndExit } from './cli/report';

const specFile = process.env.LOOM_SPEC ?? 'examples/aws-platform.yaml';
try {
  const { spec, warnings } = loadSpecFile(specFile);
  for (const w of warnings) process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
  withoutCreationStacks(() => {
    const app = new App();
    new MlPlatform(app, spec.name, spec);
    app.synth();
  });
} catch (e) {
  reportAndExit(e);
}
