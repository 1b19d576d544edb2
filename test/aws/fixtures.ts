/** Plain AWS specs for construct tests; each test mutates its own copy. */
export function awsSpec(): Record<string, any> {
  return {
    name: 'acme',
    cloud: 'aws',
    region: 'us-east-1',
    environment: 'prod',
    labels: { 'cost-center': 'ml' },
    state: { backend: 's3', bucket: 'acme-tfstate' },
    network: { cidr: '10.0.0.0/16', zones: 3, natGateways: 'per-zone' },
    clusters: [
      { name: 'apps', flavour: 'microservice', nodePools: [{ name: 'general', machineTypes: ['m7i.large'], minNodes: 2, maxNodes: 10 }] },
      { name: 'events', flavour: 'streaming', nodePools: [{ name: 'brokers', machineTypes: ['r7i.xlarge'], minNodes: 3, maxNodes: 6, diskGb: 500 }] },
      {
        name: 'training',
        flavour: 'batch',
        nodePools: [
          { name: 'cpu', machineTypes: ['c7i.2xlarge'], minNodes: 0, maxNodes: 20 },
          { name: 'gpu', machineTypes: ['g5.xlarge'], minNodes: 0, maxNodes: 8, spot: true, gpu: { type: 'nvidia-a10g', count: 1 } },
        ],
      },
    ],
  };
}
