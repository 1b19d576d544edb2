/**
 * Amazon Managed Grafana is usable after apply: the sign-in comes from the spec
 * (`components.monitoring.grafana`: IAM Identity Center or SAML), someone is its admin (a role
 * association, or SAML admin role values), and the spec rules catch a half-configured sign-in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { grafanaOptions } from '../../plan';
import { findResource, findResources, synthSpec, type Synthesized } from '../helpers/synth';
import { awsSpec, errorsAt, gcpSpec, valid } from '../schema/fixtures';
import { platformSpec } from './fixtures';
import { describeSkip, terraformEnv, terraformValidate } from '../helpers/terraform';

const synths: Synthesized[] = [];
afterAll(() => synths.forEach((s) => s.cleanup()));
function servicesWith(grafana: Record<string, unknown> | undefined) {
  const out = synthSpec(platformSpec('aws', {}, { components: { monitoring: { mode: 'buy', ...(grafana ? { grafana } : {}) } } }));
  synths.push(out);
  return out.stacks['acme-services']!;
}

const SAML = { idpMetadataUrl: 'https://idp.example.com/metadata.xml', adminRoleValues: ['grafana-admins'], editorRoleValues: ['ml-engineers'] };

describe('Amazon Managed Grafana: sign-in and admins from the spec', () => {
  it('makes the listed IAM Identity Center groups and users admins', () => {
    const services = servicesWith({ adminGroups: ['g-1234567890'], adminUsers: ['u-abc'] });
    expect(findResource(services, 'aws_grafana_workspace')).toMatchObject({ authentication_providers: ['AWS_SSO'], data_sources: ['PROMETHEUS'] });
    const admins = findResource(services, 'aws_grafana_role_association') as any;
    expect(admins).toMatchObject({ role: 'ADMIN', group_ids: ['g-1234567890'], user_ids: ['u-abc'] });
    expect(admins.workspace_id).toMatch(/^\$\{aws_grafana_workspace\.Monitoring_Grafana_\w+\.id\}$/);
    expect(findResources(services, 'aws_grafana_workspace_saml_configuration')).toEqual([]);
  });

  it('configures SAML from the IdP metadata, with admin and editor role values', () => {
    const services = servicesWith({ authentication: 'saml', saml: SAML });
    expect(findResource(services, 'aws_grafana_workspace')).toMatchObject({ authentication_providers: ['SAML'] });
    expect(findResource(services, 'aws_grafana_workspace_saml_configuration')).toMatchObject({
      idp_metadata_url: 'https://idp.example.com/metadata.xml',
      role_assertion: 'role',
      admin_role_values: ['grafana-admins'],
      editor_role_values: ['ml-engineers'],
    });
    expect(findResources(services, 'aws_grafana_role_association')).toEqual([]);
  });

  it('defaults to IAM Identity Center with no admins (and the rules warn about it)', () => {
    const services = servicesWith(undefined);
    expect(findResource(services, 'aws_grafana_workspace')).toMatchObject({ authentication_providers: ['AWS_SSO'] });
    expect(findResources(services, 'aws_grafana_role_association')).toEqual([]);
    const { spec, warnings } = valid(awsSpec({ components: { monitoring: { mode: 'buy' } } }));
    expect(grafanaOptions(spec)).toEqual({ authentication: 'aws-sso', adminGroups: [], adminUsers: [] });
    expect(warnings.map((w) => w.path)).toContain('components.monitoring.grafana.adminGroups');
  });
});

describe('components.monitoring.grafana rules', () => {
  const amg = (grafana: Record<string, unknown>) => awsSpec({ components: { monitoring: { mode: 'buy', grafana } } });

  it('needs the SAML settings, with exactly one metadata source, for authentication: saml', () => {
    expect(errorsAt(amg({ authentication: 'saml' }), 'components.monitoring.grafana.saml')).toEqual([expect.stringContaining('needs saml')]);
    expect(errorsAt(amg({ authentication: 'saml', saml: { adminRoleValues: ['a'] } }), 'components.monitoring.grafana.saml')).toEqual([expect.stringContaining('exactly one of idpMetadataUrl and idpMetadataXml')]);
    expect(errorsAt(amg({ authentication: 'saml', saml: { ...SAML, idpMetadataXml: '<x/>' } }), 'components.monitoring.grafana.saml')).toHaveLength(1);
    expect(errorsAt(amg({ authentication: 'saml', saml: { idpMetadataUrl: 'https://i.example/m', adminRoleValues: [] } }), 'components.monitoring.grafana.saml.adminRoleValues')).toEqual([
      expect.stringContaining('at least 1'),
    ]);
  });

  it('rejects Identity Center admins with SAML and SAML settings with Identity Center', () => {
    expect(errorsAt(amg({ authentication: 'saml', saml: SAML, adminGroups: ['g-1'] }), 'components.monitoring.grafana.adminGroups')).toEqual([expect.stringContaining('saml.adminRoleValues')]);
    expect(errorsAt(amg({ adminGroups: ['g-1'], saml: SAML }), 'components.monitoring.grafana.saml')).toEqual([expect.stringContaining('only used with authentication: saml')]);
  });

  it('warns that grafana is unused anywhere but buy on AWS', () => {
    const { warnings } = valid(gcpSpec({ components: { monitoring: { mode: 'buy', grafana: { adminGroups: ['g-1'] } } } }));
    expect(warnings.map((w) => w.path)).toContain('components.monitoring.grafana');
    const quiet = valid(awsSpec({ components: { monitoring: { mode: 'buy', grafana: { adminGroups: ['g-1'] } } } }));
    expect(quiet.warnings.map((w) => w.path)).not.toContain('components.monitoring.grafana.adminGroups');
  });
});

const env = terraformEnv();
describe.skipIf(!env.available)('terraform validate: Grafana admins and SAML (AWS, real provider)', () => {
  if (!env.available) console.warn(describeSkip(env));
  it.each([
    ['IAM Identity Center admins', { adminGroups: ['g-1234567890'] }],
    ['SAML', { authentication: 'saml', saml: SAML }],
  ])('%s', (_, grafana) => {
    const out = synthSpec(platformSpec('aws', {}, { components: { monitoring: { mode: 'buy', grafana } } }));
    synths.push(out);
    const result = terraformValidate(out.stackDir('acme-services'));
    expect(result.ok, result.output).toBe(true);
  });
});
