/**
 * m6: VPC endpoints and the flow-log role's trust. An S3 gateway endpoint on every private route
 * table always; interface endpoints (ECR, STS, EC2) with `network.interfaceEndpoints`, behind
 * their own security group admitting HTTPS from the VPC; the flow-log role assumable only by flow
 * logs of this account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResource, findResources, resources, synthSpec, type Synthesized } from '../helpers/synth';
import { terraformEnv, terraformValidate } from '../helpers/terraform';
import { awsSpec } from './fixtures';

describe('VPC endpoints', () => {
  let plain: Synthesized;
  let withInterfaces: Synthesized;
  beforeAll(() => {
    plain = synthSpec(awsSpec());
    const spec = awsSpec();
    spec.network.interfaceEndpoints = true;
    withInterfaces = synthSpec(spec);
  });
  afterAll(() => {
    plain.cleanup();
    withInterfaces.cleanup();
  });
  const net = (o: Synthesized) => o.stacks['acme-network']!;

  it('routes S3 from every private route table through a gateway endpoint', () => {
    const s3 = findResource(net(plain), 'aws_vpc_endpoint', { service_name: 'com.amazonaws.us-east-1.s3' });
    expect(s3.vpc_endpoint_type).toBe('Gateway');
    const privateTables = Object.entries(resources(net(plain), 'aws_route_table'))
      .filter(([, t]) => String((t.tags as Record<string, string>).Name).startsWith('acme-private-'))
      .map(([n]) => `\${aws_route_table.${n}.id}`);
    expect(privateTables).toHaveLength(3);
    expect([...(s3.route_table_ids as string[])].sort()).toEqual(privateTables.sort());
  });

  it('creates no interface endpoint unless asked (they cost per hour and zone)', () => {
    expect(findResources(net(plain), 'aws_vpc_endpoint')).toHaveLength(1);
    expect(resources(net(plain), 'aws_security_group')).toEqual({});
  });

  it.skipIf(!terraformEnv().available)(
    'passes terraform validate with interface endpoints',
    () => {
      const result = terraformValidate(withInterfaces.stackDir('acme-network'));
      expect(result.ok, result.output).toBe(true);
    },
    180_000,
  );

  it('with interfaceEndpoints: ECR api and dkr, STS and EC2, private DNS, one subnet per zone, HTTPS from the VPC', () => {
    const n = net(withInterfaces);
    const interfaces = findResources(n, 'aws_vpc_endpoint', { vpc_endpoint_type: 'Interface' });
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(
      ['ec2', 'ecr.api', 'ecr.dkr', 'sts'].map((s) => `com.amazonaws.us-east-1.${s}`),
    );
    const sg = Object.keys(resources(n, 'aws_security_group'));
    expect(sg).toHaveLength(1);
    for (const e of interfaces) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.security_group_ids).toEqual([`\${aws_security_group.${sg[0]}.id}`]);
      expect(e.subnet_ids as string[]).toHaveLength(3);
      for (const id of e.subnet_ids as string[]) expect(id).toMatch(/^\$\{aws_subnet\.Network_NodeSubnets_apps_us-east-1[abc]_\w+\.id\}$/);
    }
    expect(findResource(n, 'aws_vpc_security_group_ingress_rule')).toMatchObject({
      security_group_id: `\${aws_security_group.${sg[0]}.id}`,
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '10.0.0.0/16',
    });
  });
});

describe('flow-log role trust', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());

  it('lets only flow logs of this account assume it (confused deputy)', () => {
    const role = findResource(out.stacks['acme-network']!, 'aws_iam_role', { name: 'acme-vpc-flow-logs' });
    const trust = JSON.parse(String(role.assume_role_policy)) as { Statement: { Principal: unknown; Condition: Record<string, Record<string, string>> }[] };
    expect(trust.Statement[0]!.Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
    expect(trust.Statement[0]!.Condition.StringEquals!['aws:SourceAccount']).toMatch(/^\$\{aws_vpc\.\w+\.owner_id\}$/);
    expect(trust.Statement[0]!.Condition.ArnLike!['aws:SourceArn']).toMatch(
      /^arn:\$\{data\.aws_partition\.\w+\.partition\}:ec2:us-east-1:\$\{aws_vpc\.\w+\.owner_id\}:vpc-flow-log\/\*$/,
    );
  });
});
