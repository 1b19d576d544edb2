/**
 * The performance budget of DESIGN.md, measured on the compiled app in fresh processes: synth of
 * the default example within 5× a bare cdktf app and under 300 MB, and a 20-cluster platform
 * still synthesizing in linear-ish time.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUDGET, measure, SYNTH_ONCE } from '../../bench/bench';

const built = existsSync(SYNTH_ONCE);
if (!built) console.warn(`SKIPPED performance budget: ${SYNTH_ONCE} is missing; run \`npm run build\` (npm test does)`);

describe.skipIf(!built)('synth performance budget', () => {
  it('synthesizes the default example within 5× a bare cdktf app and under 300 MB', () => {
    // CPU time rather than wall time: the test runs beside other test files on a small machine,
    // and their load would stretch wall time unevenly. Interleaved runs; the fastest of each is
    // the estimate of the intrinsic cost (interference only ever adds time).
    const bares: number[] = [];
    const examples: number[] = [];
    let peak = 0;
    for (let i = 0; i < 7; i++) {
      bares.push(measure(['bare'], 1).cpuMs);
      const m = measure(['spec', 'examples/aws-platform.yaml'], 1);
      examples.push(m.cpuMs);
      peak = Math.max(peak, m.maxRssMb);
    }
    const bare = { ms: Math.min(...bares) };
    const example = { ms: Math.min(...examples), maxRssMb: peak };
    console.info(`CPU: bare ${bare.ms} ms; default example ${example.ms} ms / ${example.maxRssMb} MB (${(example.ms / bare.ms).toFixed(1)}×)`);
    expect(example.maxRssMb).toBeLessThan(BUDGET.maxRssMb);
    expect(example.ms / bare.ms).toBeLessThanOrEqual(BUDGET.timesBare);
  });

  it('synthesizes 20 clusters without loading more than the default example does', () => {
    const generated = measure(['generated', '20'], 1);
    expect(generated.stacks).toBeGreaterThanOrEqual(21);
    expect(generated.maxRssMb).toBeLessThan(BUDGET.maxRssMb);
  });

  it("loads only the platform's own cloud provider (plus Kubernetes and Helm, and TLS where a built registry needs its CA)", () => {
    // aws-platform buys its registry; the GCP and on-premises examples build Harbor.
    expect(measure(['spec', 'examples/aws-platform.yaml'], 1).providerPackages).toEqual(['provider-aws', 'provider-helm', 'provider-kubernetes']);
    expect(measure(['spec', 'examples/gcp-platform.yaml'], 1).providerPackages).toEqual(['provider-google', 'provider-helm', 'provider-kubernetes', 'provider-tls']);
    expect(measure(['spec', 'examples/onprem-sovereign.yaml'], 1).providerPackages).toEqual(['provider-helm', 'provider-kubernetes', 'provider-tls']);
  });
});
