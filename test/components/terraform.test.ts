/**
 * Real Terraform on the components' AWS services stacks: the mixes the AWS example does not show
 * (Harbor's S3 image store, its IAM user and access key, its private DNS zone and address
 * reservations; ECR with in-cluster monitoring) are
 * `terraform validate`d against the real AWS provider. (The example's stacks, buy and buy, are
 * validated by test/terraform/aws-examples.test.ts.)
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSkip, hasProvider, requiredProviders, terraformEnv, terraformValidate } from '../helpers/terraform';
import { specFromFile, synthSpec } from '../helpers/synth';
import { cleanupSynths, synthPlatform, type Modes } from './fixtures';

const env = terraformEnv();
if (!env.available) console.warn(describeSkip(env));

describe.skipIf(!env.available)('terraform validate on the services stack (AWS, real provider)', () => {
  afterAll(cleanupSynths);

  it.each<[string, Modes]>([
    ['registry build (Harbor on S3) + monitoring buy (AMP, Managed Grafana)', { registry: 'build', monitoring: 'buy' }],
    ['registry buy (ECR) + monitoring build', { registry: 'buy', monitoring: 'build' }],
  ])('%s', (_, modes) => {
    const out = synthPlatform('aws', modes);
    const result = terraformValidate(out.stackDir('acme-services'));
    expect(result.ok, result.output).toBe(true);
  });

  it("the AWS example's services stack needs only the AWS provider, so the examples' check validates it", () => {
    const out = synthSpec(specFromFile(join(__dirname, '..', '..', 'examples', 'aws-platform.yaml')));
    try {
      expect(requiredProviders(out.stackDir('acme-services'))).toEqual(['hashicorp/aws']);
      expect(hasProvider(env, 'hashicorp/aws')).toBe(true);
    } finally {
      out.cleanup();
    }
  });
});
