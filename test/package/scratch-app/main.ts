/**
 * A TypeScript user's cdktf app that depends on the packed `loom-ml-platform` tarball
 * (test/package/pack.test.ts installs it outside the repository). It imports Loom from the package
 * root only: when the public API changes, change this file with it.
 */
import { App } from 'cdktf';
import { AwsNetwork, EksCluster, LoomStack } from 'loom-ml-platform';

const app = new App({ outdir: 'cdktf.out' });
// The platform's settings, as platform.yaml's top-level keys; the stack configures the AWS provider.
const stack = new LoomStack(app, 'scratch', { platform: { name: 'scratch', cloud: 'aws', region: 'eu-west-1' }, cloudProvider: true });
const network = new AwsNetwork(stack, 'Network', { zones: 2 });
new EksCluster(stack, 'Cluster', {
  network,
  name: 'train',
  flavour: 'batch',
  nodePools: [{ name: 'cpu', machineTypes: ['m7i.xlarge'], minNodes: 0, maxNodes: 2 }],
});
app.synth();
