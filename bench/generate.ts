/** A generated spec with many clusters, for measuring how synth scales. */
import type { PlatformSpecInput } from '../schema/schema';

/**
 * `count` clusters on AWS: mostly streaming (the smallest address block, so that 20 fit in one
 * /16) with a microservice cluster every tenth, each with two pools.
 */
export function generatedSpec(count: number): PlatformSpecInput {
  return {
    name: 'bench',
    cloud: 'aws',
    region: 'us-east-1',
    network: { cidr: '10.0.0.0/16', zones: 3 },
    clusters: Array.from({ length: count }, (_, i) => {
      const microservice = i % 10 === 0;
      return {
        name: `c${String(i).padStart(2, '0')}`,
        flavour: microservice ? 'microservice' : 'streaming',
        nodePools: [
          { name: 'a', machineTypes: [microservice ? 'm7i.large' : 'r7i.xlarge'], minNodes: 2, maxNodes: 6 },
          { name: 'b', machineTypes: [microservice ? 'm7i.xlarge' : 'r7i.2xlarge'], minNodes: 1, maxNodes: 3 },
        ],
      };
    }),
  };
}
