/**
 * Every values key the components set exists in the pinned chart's default values.yaml (or its
 * stored subcharts), for every implementation that installs a chart: kube-prometheus-stack
 * (build, with and without Grafana, with PodMonitors from the contract), Harbor (images in S3,
 * GCS or a volume), kube-state-metrics and node exporters (buy on AWS), MLflow and Feast with
 * their stores' operators (External Secrets, CloudNativePG, Valkey). A misspelt key would
 * otherwise be ignored by Helm without a word.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CHARTS } from '../../catalog/charts';
import { unknownValuesKeys } from '../helpers/charts';
import { cleanupSynths, releases, synthPlatform, valuesOf, type Cloud, type Modes } from './fixtures';

afterAll(cleanupSynths);

const byChart = Object.fromEntries(Object.values(CHARTS).map((c) => [c.chart, c.version]));
/** The charts whose values the components set (the add-ons' are checked in test/addons). */
const CHECKED_CHARTS = ['harbor', 'kube-prometheus-stack', 'kube-state-metrics', 'prometheus-node-exporter', 'mlflow', 'feast-feature-server', 'external-secrets', 'cloudnative-pg', 'valkey'];

describe.each<[Cloud, Modes]>([
  ['aws', { registry: 'build', monitoring: 'build' }],
  ['aws', { registry: 'buy', monitoring: 'buy' }],
  ['gcp', { registry: 'build', monitoring: 'build' }],
  ['kubernetes', { registry: 'build', monitoring: 'build' }],
  ['aws', { registry: 'buy', monitoring: 'buy', experimentTracking: 'build', featureStore: 'build' }],
  ['gcp', { registry: 'buy', monitoring: 'buy', experimentTracking: 'build', featureStore: 'build' }],
  ['kubernetes', { registry: 'build', monitoring: 'build', experimentTracking: 'build', featureStore: 'build' }],
])('chart values on %s with %o', (cloud, modes) => {
  it('set only keys the pinned charts have', () => {
    const out = synthPlatform(cloud, modes);
    let checked = 0;
    const charts = new Set<string>();
    for (const [stack, json] of Object.entries(out.stacks).filter(([n]) => n.includes('-addons-'))) {
      for (const [name, release] of Object.entries(releases(json))) {
        const version = byChart[String(release.chart)];
        if (!version || !CHECKED_CHARTS.includes(String(release.chart))) continue;
        expect(release.version, `${stack}/${name}`).toBe(version);
        expect(unknownValuesKeys(String(release.chart), version, valuesOf(release)), `${stack}/${name}`).toEqual([]);
        checked++;
        charts.add(String(release.chart));
      }
    }
    if (modes.experimentTracking === 'build') {
      // MLflow, Feast, and their stores' operators: External Secrets on a cloud, CloudNativePG and Valkey on existing clusters
      const stores = cloud === 'kubernetes' ? ['cloudnative-pg', 'valkey'] : ['external-secrets'];
      for (const chart of ['mlflow', 'feast-feature-server', ...stores]) expect([...charts], chart).toContain(chart);
    } else {
      expect(checked).toBeGreaterThanOrEqual(modes.monitoring === 'buy' ? 6 : 3);
    }
  });
});

describe('the checker catches a wrong key', () => {
  it('reports a key kube-prometheus-stack does not have', () => {
    expect(unknownValuesKeys('kube-prometheus-stack', '88.5.3', { prometheus: { prometheusSpec: { retentionn: '1d' } } })).toEqual(['prometheus.prometheusSpec.retentionn']);
  });
});
