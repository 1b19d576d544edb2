/**
 * The dated Kubernetes version catalogue (catalog/kubernetes-versions.ts): versions judged against
 * the cloud calendars on the evaluation date (LOOM_TODAY=2026-11-30 in vitest.config.mts), the
 * default, EKS upgrade_policy.support_type, and the EKS add-on and cluster-autoscaler pins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gkeReleaseChannel,
  CATALOGUE_AS_OF,
  DEFAULT_KUBERNETES_VERSION,
  EKS_ADDON_VERSIONS,
  EKS_VERSIONS,
  GKE_VERSIONS,
  KUBERNETES_VERSIONS,
  UPSTREAM_VERSIONS,
  eksSupportType,
  newestInStandardSupport,
  offeredVersions,
} from '../../catalog/kubernetes-versions';
import { evaluationDate } from '../../catalog/today';
import { validateSpec } from '../../schema/load';
import { resolvePlan } from '../../plan';
import { summarize } from '../../cli/summary';
import { clusterSchema } from '../../schema/schema';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, KARPENTER_AMI_RELEASE } from '../../catalog/images';
import { findResource, findResources, synthSpec, type Synthesized } from '../helpers/synth';
import { gcpPlatformSpec } from '../helpers/gcp';
import { awsSpec } from '../aws/fixtures';
import { onpremSpec } from '../kubernetes/fixtures';

type Spec = Record<string, any>;
const withVersion = (spec: Spec, version: string): Spec => {
  spec.clusters[0].kubernetesVersion = version;
  return spec;
};
const issuesAt = (issues: { path: string; message: string }[], path: string) => issues.filter((i) => i.path === path).map((i) => i.message);
const errorsOf = (spec: Spec, today?: string) => {
  const r = validateSpec(spec, today ? { today } : {});
  return r.ok ? [] : issuesAt(r.errors, 'clusters[0].kubernetesVersion');
};
const warningsOf = (spec: Spec, today?: string) => issuesAt(validateSpec(spec, today ? { today } : {}).warnings, 'clusters[0].kubernetesVersion');

describe('the evaluation date', () => {
  it('is LOOM_TODAY when set (the test run pins 2026-11-30)', () => {
    expect(evaluationDate()).toBe('2026-11-30');
    expect(evaluationDate({ LOOM_TODAY: '2026-03-01' })).toBe('2026-03-01');
  });

  it("is today's UTC date without LOOM_TODAY", () => {
    expect(evaluationDate({ LOOM_TODAY: '' })).toBe(new Date().toISOString().slice(0, 10));
    expect(evaluationDate({})).toBe(new Date().toISOString().slice(0, 10));
  });

  it('rejects a LOOM_TODAY that is not a date, naming the variable', () => {
    expect(() => evaluationDate({ LOOM_TODAY: '2026-02-30' })).toThrow(/LOOM_TODAY must be a date as YYYY-MM-DD, got '2026-02-30'/);
  });
});

describe('the catalogue', () => {
  it('has dates for every version the schema accepts, in order', () => {
    expect(clusterSchema.shape.kubernetesVersion.unwrap().options).toEqual([...KUBERNETES_VERSIONS]);
    for (const v of KUBERNETES_VERSIONS) {
      const eks = EKS_VERSIONS[v];
      expect(eks.released < eks.endOfStandardSupport && eks.endOfStandardSupport < eks.endOfExtendedSupport, v).toBe(true);
      expect(GKE_VERSIONS[v].released < GKE_VERSIONS[v].endOfStandardSupport, v).toBe(true);
      expect(UPSTREAM_VERSIONS[v].released < UPSTREAM_VERSIONS[v].endOfLife, v).toBe(true);
    }
  });

  it('defaults to the newest version in standard support on both EKS and GKE on its as-of date', () => {
    expect(CATALOGUE_AS_OF).toBe('2026-11-30');
    expect(newestInStandardSupport(['aws', 'gcp'], CATALOGUE_AS_OF)).toBe('1.36');
    expect(DEFAULT_KUBERNETES_VERSION).toBe('1.36');
    const parsed = validateSpec(awsSpec());
    expect(parsed.ok && parsed.spec.clusters[0]!.kubernetesVersion).toBe('1.36');
  });

  it('offers on 2026-11-30 what the EKS and GKE calendars offer for new clusters', () => {
    expect(offeredVersions('aws', '2026-11-30')).toEqual(['1.32', '1.33', '1.34', '1.35', '1.36']);
    expect(offeredVersions('gcp', '2026-11-30')).toEqual(['1.35', '1.36']);
    expect(offeredVersions('kubernetes', '2026-11-30')).toEqual(['1.33', '1.34', '1.35', '1.36']);
    // Four days earlier EKS still created 1.31 clusters (extended support until 2026-11-26).
    expect(offeredVersions('aws', '2026-11-25')).toContain('1.31');
  });

  it('pins a cluster-autoscaler image, every EKS add-on and a Karpenter AMI for each version EKS offers', () => {
    for (const v of offeredVersions('aws', CATALOGUE_AS_OF)) {
      expect(KARPENTER_AMI_RELEASE.kubernetesVersions, v).toContain(v);
      expect(CLUSTER_AUTOSCALER_IMAGE_TAGS[v], v).toMatch(new RegExp(`^v${v.replace('.', '\\.')}\\.\\d+$`));
      const pins = EKS_ADDON_VERSIONS[v]!;
      expect(Object.keys(pins).sort(), v).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
      // kube-proxy follows the cluster's minor.
      expect(pins['kube-proxy'], v).toMatch(new RegExp(`^v${v.replace('.', '\\.')}\\.\\d+-eksbuild\\.\\d+$`));
      for (const version of Object.values(pins)) expect(version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
  });
});

describe('kubernetesVersion on EKS (2026-11-30)', () => {
  it('rejects a version past end of extended support with the date and the fix', () => {
    expect(errorsOf(withVersion(awsSpec(), '1.31'))).toEqual(['EKS 1.31 left extended support on 2026-11-26; use 1.36 (newest in standard support)']);
    expect(errorsOf(withVersion(awsSpec(), '1.29'))).toEqual(['EKS 1.29 left extended support on 2026-03-23; use 1.36 (newest in standard support)']);
  });

  it('accepts a version in extended support with a warning naming the extra cost and the dates', () => {
    const spec = withVersion(awsSpec(), '1.33');
    expect(errorsOf(spec)).toEqual([]);
    const [warning, ...rest] = warningsOf(spec);
    expect(rest).toEqual([]);
    expect(warning).toContain('EKS 1.33 left standard support on 2026-07-29 and is in extended support until 2027-07-29');
    expect(warning).toContain('$0.60 instead of $0.10 per cluster-hour (about $365 more per cluster per month)');
    expect(warning).toContain('upgrade_policy.support_type EXTENDED');
    expect(warning).toMatch(/use 1\.36 \(newest in standard support\)$/);
  });

  it('warns when standard support ends within 60 days, since EKS then upgrades the cluster itself', () => {
    const [warning] = warningsOf(withVersion(awsSpec(), '1.34'));
    expect(warning).toMatch(/^EKS 1\.34 leaves standard support on 2026-12-02 \(in 2 days\): with upgrade_policy\.support_type STANDARD, EKS then upgrades/);
    expect(warning).toMatch(/use 1\.36 \(newest in standard support\)$/);
  });

  it('says nothing about a version well inside standard support', () => {
    expect(warningsOf(withVersion(awsSpec(), '1.35'))).toEqual([]);
    expect(warningsOf(awsSpec())).toEqual([]);
  });

  describe('on another evaluation date', () => {
    it('judges against the date given: 1.31 was in extended support in March 2026, 1.36 not yet released', () => {
      expect(errorsOf(withVersion(awsSpec(), '1.31'), '2026-03-01')).toEqual([]);
      expect(warningsOf(withVersion(awsSpec(), '1.31'), '2026-03-01')[0]).toMatch(/^EKS 1\.31 left standard support on 2025-11-26 and is in extended support until 2026-11-26/);
      expect(errorsOf(withVersion(awsSpec(), '1.36'), '2026-03-01')).toEqual(['EKS 1.36 is not available before 2026-06-02; use 1.35 (newest in standard support)']);
    });
  });
});

describe('kubernetesVersion on GKE (2026-11-30)', () => {
  it('rejects a version past GKE standard support: only the Extended channel, which Loom does not use, has it', () => {
    expect(errorsOf(withVersion(gcpPlatformSpec(), '1.34'))).toEqual([
      'GKE 1.34 left standard support on 2026-10-01; GKE offers it only on the Extended release channel, which Loom does not use (Regular, or Stable in prod); use 1.36 (newest in standard support)',
    ]);
  });

  it('accepts the versions in standard support without a warning', () => {
    for (const v of ['1.35', '1.36']) {
      const spec = { ...withVersion(gcpPlatformSpec(), v), environment: 'staging' };
      expect(errorsOf(spec), v).toEqual([]);
      expect(warningsOf(spec), v).toEqual([]);
    }
  });
});

describe('kubernetesVersion of existing clusters (2026-11-30)', () => {
  it("rejects a version outside the pinned add-ons' range, naming the add-on", () => {
    expect(errorsOf(withVersion(onpremSpec(), '1.32'))).toEqual([
      "1.32 is outside what Loom's add-ons support on existing clusters (cert-manager 1.21, which Loom installs, supports Kubernetes 1.33 to 1.36); upgrade the cluster and set one of 1.33, 1.34, 1.35, 1.36",
    ]);
  });

  it('accepts a version past upstream end of life with a warning', () => {
    const spec = withVersion(onpremSpec(), '1.34');
    expect(errorsOf(spec)).toEqual([]);
    expect(warningsOf(spec)).toEqual([
      'Kubernetes 1.34 reached upstream end of life on 2026-10-27 (no more patch releases from the Kubernetes project, unless your distribution backports them); upgrade the cluster towards 1.36',
    ]);
    expect(warningsOf(withVersion(onpremSpec(), '1.35'))).toEqual([]);
  });
});

describe('EKS clusters in the synthesized JSON (2026-11-30)', () => {
  let out: Synthesized;
  beforeAll(() => {
    const spec = awsSpec();
    spec.clusters[0].kubernetesVersion = '1.33'; // extended support
    spec.clusters[1].kubernetesVersion = '1.35';
    // clusters[2] keeps the default, 1.36
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());
  const cluster = (c: string) => findResource(out.stacks[`acme-cluster-${c}`]!, 'aws_eks_cluster');
  const addonVersions = (c: string) =>
    Object.fromEntries(findResources(out.stacks[`acme-cluster-${c}`]!, 'aws_eks_addon').map((a) => [a.addon_name, a.addon_version]));

  it('sets upgrade_policy.support_type EXTENDED only on a version past standard support', () => {
    expect(cluster('apps')).toMatchObject({ version: '1.33', upgrade_policy: { support_type: 'EXTENDED' } });
    expect(cluster('events')).toMatchObject({ version: '1.35', upgrade_policy: { support_type: 'STANDARD' } });
    expect(cluster('training')).toMatchObject({ version: '1.36', upgrade_policy: { support_type: 'STANDARD' } });
    expect(eksSupportType('1.34', '2026-12-02')).toBe('EXTENDED');
  });

  it("pins every EKS add-on to the build for the cluster's minor", () => {
    expect(addonVersions('training')).toEqual({
      'vpc-cni': 'v1.22.4-eksbuild.3',
      'kube-proxy': 'v1.36.0-eksbuild.14',
      'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
      coredns: 'v1.14.3-eksbuild.3',
      'aws-ebs-csi-driver': 'v1.66.0-eksbuild.1',
    });
    expect(addonVersions('apps')).toMatchObject({ 'kube-proxy': 'v1.33.10-eksbuild.13', coredns: 'v1.12.4-eksbuild.18' });
    expect(addonVersions('events')).toMatchObject({ 'kube-proxy': 'v1.35.3-eksbuild.13', coredns: 'v1.14.3-eksbuild.3' });
  });
});

describe('GKE release channel', () => {
  it('is Stable in prod only for minors confirmed on Stable', () => {
    expect(gkeReleaseChannel('1.35', 'prod', '2026-11-30')).toBe('STABLE');
    expect(gkeReleaseChannel('1.36', 'prod', '2026-11-30')).toBe('REGULAR');
    expect(gkeReleaseChannel('1.35', 'staging', '2026-11-30')).toBe('REGULAR');
  });

  it('is what loom validate reports for each GKE cluster', () => {
    const spec = gcpPlatformSpec();
    spec.clusters[1].kubernetesVersion = '1.35';
    const result = validateSpec(spec);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const summary = summarize(resolvePlan(result.spec));
    expect(summary).toMatch(new RegExp(`cluster ${spec.clusters[0].name} \\([a-z]+, Kubernetes 1\\.36, Regular channel\\)`));
    expect(summary).toMatch(new RegExp(`cluster ${spec.clusters[1].name} \\([a-z]+, Kubernetes 1\\.35, Stable channel\\)`));
  });
});
