/**
 * Shape-level rules (the zod schema, through Loom's issue formatting): unknown keys with
 * did-you-mean, types, integers and bounds, enums, label keys, policy exceptions.
 */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../schema';
import { awsSpec, errorsOf, gcpSpec, issue, onlyError, valid } from './fixtures';

describe('fixtures', () => {
  it('are valid as given', () => {
    expect(valid(awsSpec()).warnings).toEqual([]);
    expect(valid(gcpSpec()).warnings).toEqual([]);
  });

  it('fill every default once, in the schema', () => {
    const { spec } = valid(awsSpec({ network: undefined }));
    expect(spec.environment).toBe('dev');
    expect(spec.state).toEqual({ backend: 'local' });
    expect(spec.network).toBeUndefined();
    expect(spec.clusters[0]!.kubernetesVersion).toBe('1.36');
    expect(spec.clusters[0]!.nodePools![0]!.diskGb).toBe(100);
    expect(spec.dataResidency.managedServices).toBe('allowed');
    expect(spec.policies).toEqual({ packs: ['baseline'], exceptions: [] });
  });
});

describe('unknown keys', () => {
  it('at the top level suggest the key that was meant', () => {
    const spec = awsSpec({ netwrk: { cidr: '10.0.0.0/16' } });
    expect(onlyError(spec)).toEqual({ path: 'netwrk', message: "unknown key; did you mean 'network'?" });
  });

  it('in a cluster suggest the key that was meant', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePool = [];
    expect(onlyError(spec)).toEqual({ path: 'clusters[0].nodePool', message: "unknown key; did you mean 'nodePools'?" });
  });

  it('in a node pool suggest the key that was meant', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[1].machineType = 'g5.xlarge';
    expect(onlyError(spec)).toEqual(issue('clusters[2].nodePools[1].machineType', "did you mean 'machineTypes'?"));
  });

  it('with no close match list the keys that are allowed', () => {
    const spec = awsSpec({ network: { cidr: '10.0.0.0/16', subnets: 4 } });
    // (sorted; other keys may be added between these)
    expect(onlyError(spec)).toEqual(issue('network.subnets', /^unknown key; expected one of availabilityZones, cidr, .*natGateways, .*zones$/));
  });

  it('in a discriminated union (state) see the keys of every option', () => {
    const spec = awsSpec({ state: { backend: 's3', bucket: 'acme-tfstate', prefx: 'loom' } });
    expect(onlyError(spec)).toEqual(issue('state.prefx', "did you mean 'prefix'?"));
  });
});

describe('types and enums', () => {
  it('a missing required key says it is required', () => {
    const spec = awsSpec();
    delete spec.clusters[0].flavour;
    delete spec.clusters[0].nodePools[0].maxNodes;
    expect(errorsOf(spec)).toEqual([
      { path: 'clusters[0].flavour', message: 'is required: one of microservice | streaming | batch' },
      { path: 'clusters[0].nodePools[0].maxNodes', message: 'is required (number)' },
    ]);
  });

  it('a wrong type says what was expected and what was given', () => {
    expect(onlyError(awsSpec({ clusters: { apps: {} } }))).toEqual({ path: 'clusters', message: 'must be a list, got a mapping' });
  });

  it('an unknown enum value lists the allowed values with a did-you-mean', () => {
    const spec = awsSpec();
    spec.clusters[0].flavour = 'microservices';
    expect(onlyError(spec)).toEqual({
      path: 'clusters[0].flavour',
      message: "must be one of microservice | streaming | batch, got 'microservices'; did you mean 'microservice'?",
    });
  });

  it('an unknown state backend names the allowed backends at state.backend', () => {
    expect(onlyError(awsSpec({ state: { backend: 'consul' } }))).toEqual({
      path: 'state.backend',
      message: "must be one of local | s3 | gcs, got 'consul'",
    });
  });

  it('an unsupported Kubernetes version lists the supported ones', () => {
    const spec = awsSpec();
    spec.clusters[1].kubernetesVersion = '1.28';
    expect(onlyError(spec)).toEqual({
      path: 'clusters[1].kubernetesVersion',
      message: expect.stringMatching(/^must be one of 1\.29 \| 1\.30 \| 1\.31 \| 1\.32 \| 1\.33 \| 1\.34 \| 1\.35 \| 1\.36, got '1\.28'/),
    });
  });

  it('a Kubernetes version YAML read as a number says to quote it', () => {
    const spec = awsSpec();
    spec.clusters[1].kubernetesVersion = 1.3; // `kubernetesVersion: 1.30` unquoted
    expect(onlyError(spec)).toEqual(issue('clusters[1].kubernetesVersion', /got number 1\.3; quote it in YAML/));
  });
});

describe('numbers', () => {
  it('node counts must be whole numbers', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].minNodes = 1.5;
    expect(onlyError(spec)).toEqual({ path: 'clusters[0].nodePools[0].minNodes', message: 'must be a whole number, got number 1.5' });
  });

  it('minNodes must be >= 0', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[0].minNodes = -1;
    expect(onlyError(spec)).toEqual(issue('clusters[2].nodePools[0].minNodes', 'must be >= 0'));
  });

  it('maxNodes must be >= 1', () => {
    const spec = awsSpec();
    spec.clusters[2].nodePools[0].maxNodes = 0;
    expect(onlyError(spec)).toEqual(issue('clusters[2].nodePools[0].maxNodes', 'must be >= 1'));
  });

  it('zones must be between 1 and 6', () => {
    expect(onlyError(awsSpec({ network: { zones: 0 } }))).toEqual(issue('network.zones', 'must be >= 1'));
    expect(onlyError(awsSpec({ network: { zones: 7 } }))).toEqual(issue('network.zones', 'must be <= 6'));
  });

  it('flowLogRetentionDays must be a period CloudWatch Logs accepts', () => {
    const spec = awsSpec({ network: { flowLogRetentionDays: 45 } });
    expect(onlyError(spec)).toEqual(issue('network.flowLogRetentionDays', /^must be one of 1, 3, 5, .*3653 \(the periods CloudWatch Logs accepts\)$/));
    expect(valid(awsSpec({ network: { flowLogRetentionDays: 365 } })).spec.network!.flowLogRetentionDays).toBe(365);
  });
});

describe('names', () => {
  it('the platform name is 3 to 20 characters', () => {
    expect(onlyError(awsSpec({ name: 'ab' }))).toEqual(issue('name', 'at least 3 characters'));
    expect(onlyError(awsSpec({ name: 'a'.repeat(21) }))).toEqual(issue('name', 'at most 20 characters'));
  });

  it.each(['Apps', 'apps-', '1apps', 'ap_ps'])('cluster name %j must be a lowercase DNS label', (name) => {
    const spec = awsSpec();
    spec.clusters[0].name = name;
    expect(onlyError(spec)).toEqual(issue('clusters[0].name', 'must be a lowercase DNS label'));
  });

  it('pool names must be lowercase DNS labels', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].name = 'General';
    expect(onlyError(spec)).toEqual(issue('clusters[0].nodePools[0].name', 'must be a lowercase DNS label'));
  });
});

describe('labels', () => {
  it('label keys must be lowercase and start with a letter (the key schema message, with the key)', () => {
    const spec = awsSpec({ labels: { 'Cost-Center': 'ml' } });
    expect(onlyError(spec)).toEqual({
      path: 'labels.Cost-Center',
      message:
        "label keys must be lowercase, start with a letter, and use only letters, digits, _ and - (at most 63 characters), got 'Cost-Center'",
    });
  });

  it('label values must be lowercase', () => {
    expect(onlyError(awsSpec({ labels: { team: 'ML' } }))).toEqual(issue('labels.team', 'label values must be lowercase'));
  });
});

describe('policy exceptions', () => {
  const exception = (over: Record<string, unknown>) =>
    awsSpec({ policies: { exceptions: [{ rule: 'LOOM-ING-001', resource: 'acme-cluster-apps/x', reason: 'VPN-only lab cluster, reviewed', expires: '2099-03-01', ...over }] } });

  it('a well-formed exception is accepted', () => {
    expect(valid(exception({})).warnings).toEqual([]);
  });

  it('needs a reason of at least 20 characters', () => {
    expect(onlyError(exception({ reason: 'lab' }))).toEqual(issue('policies.exceptions[0].reason', 'at least 20 characters'));
  });

  it('needs a YYYY-MM-DD expiry date', () => {
    expect(onlyError(exception({ expires: '2027-13-01' }))).toEqual({
      path: 'policies.exceptions[0].expires',
      message: "must be a date as YYYY-MM-DD, got '2027-13-01'",
    });
  });

  it('needs a rule id such as LOOM-ING-001', () => {
    expect(onlyError(exception({ rule: 'ING-1' }))).toEqual(issue('policies.exceptions[0].rule', 'must be a rule id such as LOOM-ING-001'));
  });

  it('an expired exception is a warning, not an error', () => {
    const result = valid(exception({ expires: '2020-01-01' }));
    expect(result.warnings).toEqual([issue('policies.exceptions[0].expires', 'expired on 2020-01-01')]);
  });
});

describe('shape and rules together', () => {
  it('reports the shape problems and the cross-field problems of the parts that parsed, at once', () => {
    // GIVEN a shape problem (bad name) and a cross-field problem (maxNodes < minNodes)
    const spec = awsSpec({ name: 'Acme' });
    spec.clusters[0].nodePools[0].maxNodes = 1;
    // THEN both are reported in one pass
    expect(errorsOf(spec).map((i) => i.path)).toEqual(['clusters[0].nodePools[0].maxNodes', 'name']);
    spec.name = 'acme';
    expect(errorsOf(spec).map((i) => i.path)).toEqual(['clusters[0].nodePools[0].maxNodes']);
  });

  it('validateSpec never throws on arbitrary input', () => {
    for (const input of [null, undefined, 42, 'text', [], {}]) {
      const result = validateSpec(input);
      expect(result.ok).toBe(false);
    }
  });
});
