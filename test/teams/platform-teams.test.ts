/**
 * PlatformTeams (stacks/platform-teams.ts): teams onboarded onto stacks composed by hand, validated
 * as platform.yaml's `teams` are — every problem reported with its path — and building what
 * MlPlatform builds (examples/typescript/aws-minimal.ts synthesizes byte for byte what
 * examples/aws-minimal.yaml does: test/examples/typescript.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { InvalidPropsError } from '../../constructs/core/errors';
import { NetworkStack } from '../../stacks/network-stack';
import { ClusterStack } from '../../stacks/cluster-stack';
import { AddonsStack } from '../../stacks/addons-stack';
import { ServicesStack } from '../../stacks/services-stack';
import { PlatformTeams, type PlatformTeamsProps } from '../../stacks/platform-teams';

/** A one-cluster AWS platform composed by hand, and the teams given to it. */
function compose(teams: PlatformTeamsProps['teams'], opts: { services?: boolean } = {}): () => PlatformTeams {
  return () => {
    const app = new App();
    const network = new NetworkStack(app, 'lab-network', { platform: { name: 'lab', cloud: 'aws', region: 'eu-west-1' }, network: { cidr: '10.20.0.0/16', zones: 2 } });
    const cluster = new ClusterStack(app, 'lab-cluster-apps', {
      platform: network.platform,
      network: network.network,
      cluster: { name: 'apps', flavour: 'microservice', nodePools: [{ name: 'general', machineTypes: ['t3.large'], minNodes: 1, maxNodes: 3 }], endpoint: { publicAccessCidrs: ['203.0.113.0/24'] } },
    });
    const addons = new AddonsStack(app, 'lab-addons-apps', { platform: network.platform, cluster: cluster.cluster });
    const services = opts.services === false ? undefined : new ServicesStack(app, 'lab-services', { platform: network.platform });
    return new PlatformTeams(app, 'Teams', { clusters: [addons], ...(services ? { services } : {}), teams });
  };
}

const quota = { cpu: 2, memoryGiB: 8 };

describe('PlatformTeams', () => {
  it('reports every problem of the teams with its path, as platform.yaml would', () => {
    const build = compose([
      { name: 'Vision', quota },
      { name: 'nlp', clusters: ['gpu'], quota: { ...quota, gpus: 2 }, access: { experimentTracking: 'read' } },
      { name: 'nlp', quota, members: ['alice'] },
    ]);
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPropsError);
    const message = String((error as Error).message);
    expect(message).toMatch(/teams\[0\]\.name: must be a lowercase DNS label.*got 'Vision'/);
    expect(message).toMatch(/teams\[1\]\.clusters\[0\]: no cluster 'gpu'/);
    expect(message).toMatch(/teams\[1\]\.access\.experimentTracking: the platform has no experimentTracking component/);
    expect(message).toMatch(/teams\[2\]\.name: 'nlp' is already teams\[1\]/);
    expect(message).toMatch(/teams\[2\]\.members\[0\]: 'alice' is not a member AWS knows/);
  });

  it('onboards valid teams: their namespaces on the cluster, their identities in the services stack', () => {
    const teams = compose([{ name: 'vision', quota }, { name: 'nlp', quota }])();
    expect(teams.plan.teams.map((t) => t.namespace)).toEqual(['team-vision', 'team-nlp']);
    const stacks = teams.node.scope!.node.children;
    const addons = stacks.find((s) => s.node.id === 'lab-addons-apps')!;
    const services = stacks.find((s) => s.node.id === 'lab-services')!;
    expect(addons.node.tryFindChild('Team-vision')).toBeDefined();
    expect(addons.node.tryFindChild('Team-nlp')).toBeDefined();
    expect(services.node.tryFindChild('TeamAccess')?.node.tryFindChild('vision')).toBeDefined();
  });

  it('on AWS, without the services stack, says where the identities go', () => {
    expect(compose([{ name: 'vision', quota }], { services: false })).toThrow(/services stack/);
  });
});
