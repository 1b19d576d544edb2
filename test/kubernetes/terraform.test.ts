/**
 * Real Terraform on the add-ons stacks of the on-premises example: `terraform validate` where the
 * Kubernetes and Helm providers are in the local mirror; otherwise the test says it skipped.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSkip, hasProvider, requiredProviders, terraformEnv, terraformValidate } from '../helpers/terraform';
import { specFromFile, synthSpec, type Synthesized } from '../helpers/synth';

const env = terraformEnv();
const missing = ['hashicorp/kubernetes', 'hashicorp/helm'].filter((p) => !hasProvider(env, p));
const ready = env.available && missing.length === 0;
if (!env.available) console.warn(describeSkip(env));
else if (!ready) console.warn(`SKIPPED terraform validate of the add-ons stacks: the mirror ${env.mirrorDir} has no ${missing.join(', ')}`);

describe.skipIf(!ready)('terraform validate on the on-premises add-ons stacks', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(specFromFile(join(__dirname, '..', '..', 'examples', 'onprem-sovereign.yaml')));
  });
  afterAll(() => out.cleanup());

  it('validates every stack', () => {
    for (const stack of Object.keys(out.stacks)) {
      expect(requiredProviders(out.stackDir(stack))).toEqual(['hashicorp/helm', 'hashicorp/kubernetes']);
      const result = terraformValidate(out.stackDir(stack));
      expect(result.ok, `terraform validate ${stack}\n${result.output}`).toBe(true);
    }
  });
});
