/**
 * The address plan: no overlaps, everything inside network.cidr, per-zone subnets sized by
 * flavour, zone i in slot i, and append-stability (appending a cluster or a pool never moves an
 * existing subnet).
 */
import { describe, expect, it } from 'vitest';
import {
  FLAVOUR_PROFILES,
  loadSpecFile,
  PlanError,
  planAddresses,
  platformSchema,
  platformZones,
  resolvePlan,
  type ClusterSpec,
  type Flavour,
  type PlatformSpec,
} from '../../schema';
import { contains, formatCidr, overlaps, parseCidr, PUBLIC_BLOCK_PREFIX, SLOT_BITS, subdivide, type Cidr } from '../../plan/addresses';
import { defaultZones } from '../../catalog/regions';
import { awsSpec, errorsOf, gcpSpec, issue, onlyError, valid, type Spec } from '../schema/fixtures';

type Clusters = readonly Pick<ClusterSpec, 'name' | 'flavour'>[];
type Addresses = ReturnType<typeof planAddresses>;

/** Every subnet of a plan (public and node), labelled for failure messages. */
function allSubnets(plan: Addresses): { what: string; cidr: Cidr }[] {
  return [
    ...plan.publicSubnets.map((s) => ({ what: `public ${s.zone}`, cidr: parseCidr(s.cidr) })),
    ...[...plan.clusterBlocks].flatMap(([name, b]) => b.nodeSubnets.map((s) => ({ what: `${name} ${s.zone}`, cidr: parseCidr(s.cidr) }))),
  ];
}

/** The invariants every plan must hold. */
function expectSoundPlan(cidr: string, zones: readonly string[], clusters: Clusters, plan: Addresses, label = cidr): void {
  const network = parseCidr(cidr);
  const subnets = allSubnets(plan);
  expect(subnets, label).toHaveLength(zones.length * (clusters.length + 1));

  // inside the network, and no two overlap (collected first: one expect per property keeps this fast)
  const outside = subnets.filter((s) => !contains(network, s.cidr)).map((s) => `${s.what} ${formatCidr(s.cidr)}`);
  expect(outside, `${label}: subnets outside ${cidr}`).toEqual([]);
  const overlapping: string[] = [];
  for (let i = 0; i < subnets.length; i++) {
    for (let j = i + 1; j < subnets.length; j++) {
      const [a, b] = [subnets[i]!, subnets[j]!];
      if (overlaps(a.cidr, b.cidr)) overlapping.push(`${a.what} ${formatCidr(a.cidr)} × ${b.what} ${formatCidr(b.cidr)}`);
    }
  }
  expect(overlapping, `${label}: overlapping subnets`).toEqual([]);

  // public subnets: /24s of the top /21, zone i in slot i
  const top = network.base + 2 ** (32 - network.prefix);
  const publicBlock = { base: top - 2 ** (32 - PUBLIC_BLOCK_PREFIX), prefix: PUBLIC_BLOCK_PREFIX };
  expect(plan.publicSubnets, label).toEqual(zones.map((zone, i) => ({ zone, cidr: formatCidr(subdivide(publicBlock, SLOT_BITS, i)) })));

  // cluster blocks: sized by flavour, aligned, not in the public block; zone i in slot i of the block
  for (const c of clusters) {
    const { block, nodeSubnets } = plan.clusterBlocks.get(c.name)!;
    const b = parseCidr(block);
    const profile = FLAVOUR_PROFILES[c.flavour];
    expect(b.prefix, `${label}: ${c.name} block`).toBe(profile.blockPrefix);
    expect(b.base % 2 ** (32 - b.prefix), `${label}: ${c.name} block aligned`).toBe(0);
    expect(overlaps(b, publicBlock), `${label}: ${c.name} block ${block} overlaps the public block`).toBe(false);
    expect(nodeSubnets, `${label}: ${c.name} zone i in slot i`).toEqual(zones.map((zone, i) => ({ zone, cidr: formatCidr(subdivide(b, SLOT_BITS, i)) })));
    expect(new Set(nodeSubnets.map((s) => parseCidr(s.cidr).prefix)), `${label}: ${c.name} per-zone prefix`).toEqual(
      new Set(zones.length ? [profile.blockPrefix + 3] : []),
    );
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FLAVOURS: readonly Flavour[] = ['microservice', 'streaming', 'batch'];

function generated(seed: number): { zones: string[]; clusters: { name: string; flavour: Flavour }[] } {
  const next = random(seed);
  const count = 1 + Math.floor(next() * 12);
  const zones = defaultZones('aws', 'us-east-1', 1 + Math.floor(next() * 6));
  const clusters = Array.from({ length: count }, (_, i) => ({ name: `c${i}`, flavour: FLAVOURS[Math.floor(next() * 3)]! }));
  return { zones, clusters };
}

/** The subnets planned for a validated spec: cluster → zone → CIDR, plus the public ones. */
function subnetsOf(spec: PlatformSpec): Record<string, string> {
  const plan = resolvePlan(spec);
  const out: Record<string, string> = {};
  for (const s of plan.network!.publicSubnets) out[`public/${s.zone}`] = s.cidr;
  for (const c of plan.clusters) {
    out[`${c.name}/block`] = c.block!;
    for (const s of c.nodeSubnets) out[`${c.name}/${s.zone}`] = s.cidr;
  }
  return out;
}

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe('allocation', () => {
  it('the default example: exact plan, sound', () => {
    const { spec } = loadSpecFile('examples/aws-platform.yaml');
    expect(subnetsOf(spec)).toEqual({
      'public/us-east-1a': '10.0.248.0/24',
      'public/us-east-1b': '10.0.249.0/24',
      'public/us-east-1c': '10.0.250.0/24',
      'apps/block': '10.0.0.0/19',
      'apps/us-east-1a': '10.0.0.0/22',
      'apps/us-east-1b': '10.0.4.0/22',
      'apps/us-east-1c': '10.0.8.0/22',
      'events/block': '10.0.32.0/21',
      'events/us-east-1a': '10.0.32.0/24',
      'events/us-east-1b': '10.0.33.0/24',
      'events/us-east-1c': '10.0.34.0/24',
      'training/block': '10.0.64.0/18',
      'training/us-east-1a': '10.0.64.0/21',
      'training/us-east-1b': '10.0.72.0/21',
      'training/us-east-1c': '10.0.80.0/21',
    });
    const zones = platformZones(spec);
    expectSoundPlan(spec.network!.cidr, zones, spec.clusters, planAddresses(spec.network!.cidr, zones, spec.clusters));
  });

  it('the soundness check itself catches an overlap and a subnet outside the network', () => {
    const good = planAddresses('10.0.0.0/16', ['a', 'b'], [{ name: 'm', flavour: 'microservice' }]);
    const overlapping: Addresses = {
      publicSubnets: good.publicSubnets,
      clusterBlocks: new Map([['m', { block: '10.0.0.0/19', nodeSubnets: [{ zone: 'a', cidr: '10.0.248.0/22' }, good.clusterBlocks.get('m')!.nodeSubnets[1]!] }]]),
    };
    expect(() => expectSoundPlan('10.0.0.0/16', ['a', 'b'], [{ name: 'm', flavour: 'microservice' }], overlapping)).toThrow(/overlapping subnets/);
    expect(() => expectSoundPlan('10.1.0.0/16', ['a', 'b'], [{ name: 'm', flavour: 'microservice' }], good)).toThrow(/outside 10\.1\.0\.0\/16/);
  });

  it('per-zone subnets are the flavour block + 3 bits; batch gets the largest', () => {
    expect(FLAVOUR_PROFILES.batch.blockPrefix).toBeLessThan(FLAVOUR_PROFILES.microservice.blockPrefix);
    expect(FLAVOUR_PROFILES.batch.blockPrefix).toBeLessThan(FLAVOUR_PROFILES.streaming.blockPrefix);
    const plan = planAddresses('10.0.0.0/16', ['z-a', 'z-b'], [
      { name: 's', flavour: 'streaming' },
      { name: 'm', flavour: 'microservice' },
      { name: 'b', flavour: 'batch' },
    ]);
    expect([...plan.clusterBlocks.values()].map((b) => b.nodeSubnets[0]!.cidr.split('/')[1])).toEqual(['24', '22', '21']);
  });

  it(`${SEEDS.length} generated platforms (1–12 clusters, 1–6 zones, mixed flavours) are sound`, () => {
    for (const seed of SEEDS) {
      const { zones, clusters } = generated(seed);
      // a /14 holds twelve batch clusters, so every generated set fits
      expectSoundPlan('10.0.0.0/14', zones, clusters, planAddresses('10.0.0.0/14', zones, clusters), `seed ${seed}`);
    }
  });

  it(`${SEEDS.length} generated platforms in a /16 either fit soundly or fail at network.cidr`, () => {
    const outcomes = { fit: 0, full: 0 };
    for (const seed of SEEDS) {
      const { zones, clusters } = generated(seed);
      let plan: Addresses;
      try {
        plan = planAddresses('10.0.0.0/16', zones, clusters);
      } catch (e) {
        expect(e, `seed ${seed}`).toBeInstanceOf(PlanError);
        expect((e as PlanError).path).toBe('network.cidr');
        expect((e as PlanError).message).toMatch(/has no room left for cluster 'c\d+' .*; use a larger range or fewer clusters/);
        outcomes.full++;
        continue;
      }
      expectSoundPlan('10.0.0.0/16', zones, clusters, plan, `seed ${seed}`);
      outcomes.fit++;
    }
    // the generator exercises both outcomes
    expect(outcomes.fit).toBeGreaterThan(0);
    expect(outcomes.full).toBeGreaterThan(0);
  });

  it('zones are derived from the region unless availabilityZones is given', () => {
    const aws = platformSchema.parse(awsSpec());
    expect(platformZones(aws)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(resolvePlan(aws).clusters[0]!.nodeSubnets.map((s) => s.zone)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);

    const gcp = platformSchema.parse(gcpSpec({ network: { zones: 2 } }));
    expect(platformZones(gcp)).toEqual(['europe-west1-b', 'europe-west1-c']);

    const listed = valid(awsSpec({ network: { zones: 2, availabilityZones: ['us-east-1d', 'us-east-1f'] } })).spec;
    expect(platformZones(listed)).toEqual(['us-east-1d', 'us-east-1f']);
    expect(resolvePlan(listed).network!.publicSubnets).toEqual([
      { zone: 'us-east-1d', cidr: '10.0.248.0/24' },
      { zone: 'us-east-1f', cidr: '10.0.249.0/24' },
    ]);
  });

  it('zone i takes slot i whatever the number of zones', () => {
    const one = planAddresses('10.0.0.0/16', ['a'], [{ name: 'm', flavour: 'microservice' }]);
    const six = planAddresses('10.0.0.0/16', ['a', 'b', 'c', 'd', 'e', 'f'], [{ name: 'm', flavour: 'microservice' }]);
    expect(six.clusterBlocks.get('m')!.nodeSubnets[0]).toEqual(one.clusterBlocks.get('m')!.nodeSubnets[0]);
    expect(six.publicSubnets[0]).toEqual(one.publicSubnets[0]);
  });
});

describe('append-stability', () => {
  it(`${SEEDS.length} generated platforms: planning N then N+1 clusters moves no subnet`, () => {
    const byName = (plan: Addresses) => Object.fromEntries(allSubnets(plan).map((s) => [s.what, formatCidr(s.cidr)]));
    for (const seed of SEEDS) {
      const { zones, clusters } = generated(seed);
      let before = byName(planAddresses('10.0.0.0/14', zones, clusters.slice(0, 1)));
      for (let n = 2; n <= clusters.length; n++) {
        const after = byName(planAddresses('10.0.0.0/14', zones, clusters.slice(0, n)));
        expect(Object.keys(after), `seed ${seed}, cluster ${n}`).toHaveLength(Object.keys(before).length + zones.length);
        expect(after, `seed ${seed}, cluster ${n}`).toMatchObject(before);
        before = after;
      }
    }
  });

  it('appending a cluster to the default example keeps every existing subnet', () => {
    const { spec } = loadSpecFile('examples/aws-platform.yaml');
    const before = subnetsOf(spec);
    const more = structuredClone(spec);
    more.clusters.push(platformSchema.parse(awsSpec()).clusters[0]!);
    more.clusters[3]!.name = 'inference';
    const after = subnetsOf(more);
    expect(after).toMatchObject(before);
    expect(after['inference/block']).toBe('10.0.128.0/19');
  });

  it('appending a pool to an existing cluster keeps every subnet', () => {
    const spec = awsSpec();
    const before = subnetsOf(valid(spec).spec);
    spec.clusters[0].nodePools.push({ name: 'memory', machineTypes: ['r7i.2xlarge'], minNodes: 1, maxNodes: 4 });
    expect(subnetsOf(valid(spec).spec)).toEqual(before);
  });

  it('adding zones keeps every existing subnet', () => {
    const spec = awsSpec({ network: { zones: 2 } });
    const before = subnetsOf(valid(spec).spec);
    spec.network.zones = 3;
    expect(subnetsOf(valid(spec).spec)).toMatchObject(before);
  });
});

describe('a network too small for the plan', () => {
  const single = (flavour: Flavour, cidr: string): Spec => {
    const spec = awsSpec({ network: { cidr } });
    spec.clusters = spec.clusters.filter((c: Spec) => c.flavour === flavour);
    return spec;
  };

  it('a /20 cannot hold a microservice cluster (a /19): error at network.cidr with the fix', () => {
    expect(onlyError(single('microservice', '10.0.0.0/20'))).toEqual({
      path: 'network.cidr',
      message: "10.0.0.0/20 is smaller than the /19 that cluster 'apps' (microservice) needs; use a larger range (at most /19)",
    });
  });

  it('a /19 has no room for a /19 next to the public /21', () => {
    expect(onlyError(single('microservice', '10.0.0.0/19'))).toEqual(
      issue('network.cidr', /^10\.0\.0\.0\/19 has no room left for cluster 'apps' \(microservice\) \(needs a \/19; .*\); use a larger range or fewer clusters$/),
    );
  });

  it('a /20 holds a streaming cluster', () => {
    const { spec } = valid(single('streaming', '10.0.0.0/20'));
    expect(subnetsOf(spec)['events/block']).toBe('10.0.0.0/21');
  });

  it('smaller than /21 cannot hold the public subnets', () => {
    expect(onlyError(single('streaming', '10.0.0.0/22'))).toEqual({
      path: 'network.cidr',
      message: '10.0.0.0/22 is too small: the public subnets alone need a /21; use a /16 to /20',
    });
  });

  it('too many clusters for a /16 fail at network.cidr, naming the first that does not fit', () => {
    const spec = awsSpec();
    spec.clusters = Array.from({ length: 4 }, (_, i) => ({ ...awsSpec().clusters[2], name: `batch${i}` }));
    expect(errorsOf(spec)).toEqual([issue('network.cidr', "has no room left for cluster 'batch3' (batch)")]);
  });
});
