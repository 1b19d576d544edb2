/**
 * An existing cluster reached through a kubeconfig context reads the files KUBECONFIG lists, as
 * kubectl does, when the spec names no kubeconfigPath (the providers themselves only read
 * KUBE_CONFIG_PATH).
 */
import { delimiter } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kubeconfigFiles, DEFAULT_KUBECONFIG_PATH } from '../../constructs/kubernetes/providers';
import { synthSpec } from '../helpers/synth';
import { onpremSpec, providerConfig } from './fixtures';

const ctx = { kind: 'kubeconfig', configContext: 'dc1-apps' } as const;

describe('kubeconfig files', () => {
  const saved = process.env.KUBECONFIG;
  afterEach(() => {
    process.env.KUBECONFIG = saved;
  });

  it('follows KUBECONFIG, one file or a path list, and ~/.kube/config without it', () => {
    expect(kubeconfigFiles(ctx, {})).toEqual({ configPath: DEFAULT_KUBECONFIG_PATH });
    expect(kubeconfigFiles(ctx, { KUBECONFIG: '/ci/kubeconfig' })).toEqual({ configPath: '/ci/kubeconfig' });
    expect(kubeconfigFiles(ctx, { KUBECONFIG: ['/a', '', '/b'].join(delimiter) })).toEqual({ configPaths: ['/a', '/b'] });
  });

  it("keeps the spec's kubeconfigPath over KUBECONFIG", () => {
    expect(kubeconfigFiles({ ...ctx, configPath: '/etc/loom/kubeconfig' }, { KUBECONFIG: '/ci/kubeconfig' })).toEqual({ configPath: '/etc/loom/kubeconfig' });
  });

  it('writes KUBECONFIG into both providers of the add-ons stack', () => {
    process.env.KUBECONFIG = '/ci/kubeconfig';
    const out = synthSpec(onpremSpec());
    try {
      const stack = Object.entries(out.stacks).find(([n]) => n.endsWith('-addons-apps'))![1];
      expect(providerConfig(stack, 'kubernetes')).toMatchObject({ config_path: '/ci/kubeconfig' });
      expect(providerConfig(stack, 'helm')).toMatchObject({ kubernetes: { config_path: '/ci/kubeconfig' } });
    } finally {
      out.cleanup();
    }
  });
});
