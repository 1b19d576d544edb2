/**
 * Real Terraform for the Google Cloud example: every stack whose providers are in the local mirror
 * is `terraform validate`d. The Google provider is not on every machine (it is not on the one this
 * was written on); the test then says so and checks nothing, rather than passing silently.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSkip, hasProvider, requiredProviders, terraformEnv, terraformValidate } from '../helpers/terraform';
import { specFromFile, synthSpec, type Synthesized } from '../helpers/synth';

const env = terraformEnv();
const googleReady = env.available && hasProvider(env, 'hashicorp/google');
if (!env.available) console.warn(describeSkip(env));
else if (!googleReady) console.warn(`SKIPPED terraform validate of the Google Cloud example: mirror ${env.mirrorDir} has no hashicorp/google provider`);

describe('terraform validate of examples/gcp-platform.yaml', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(specFromFile(join(__dirname, '..', '..', 'examples', 'gcp-platform.yaml')));
  });
  afterAll(() => out.cleanup());

  it('asks for the Google provider only in the cloud stacks (and tls for the registry CA in the network stack, random and tls for passwords and the Kafka CA in the services stack)', () => {
    for (const stack of Object.keys(out.stacks).filter((s) => !s.includes('-addons-'))) {
      // The example builds the registry: the network stack makes its CA with Terraform's tls
      // provider; it builds Feast, whose Cloud SQL user's password Terraform's random provider
      // makes, and Kafka, whose cluster CA (tls) and users' passwords (random) the services stack makes.
      const expected = stack.endsWith('-network') ? ['hashicorp/google', 'hashicorp/tls'] : stack.endsWith('-services') ? ['hashicorp/google', 'hashicorp/random', 'hashicorp/tls'] : ['hashicorp/google'];
      expect(requiredProviders(out.stackDir(stack)), stack).toEqual(expected);
    }
  });

  it.skipIf(!googleReady)('validates every stack whose providers are in the mirror', () => {
    let validated = 0;
    for (const stack of Object.keys(out.stacks)) {
      const dir = out.stackDir(stack);
      if (!requiredProviders(dir).every((p) => hasProvider(env, p))) continue;
      const result = terraformValidate(dir);
      expect(result.ok, `terraform validate ${stack}\n${result.output}`).toBe(true);
      validated++;
    }
    expect(validated).toBeGreaterThanOrEqual(4);
  });
});
