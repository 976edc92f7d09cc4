// The Cognito app client as deployed (issue 10): SRP for native apps, and hosted sign-in with the
// authorization code grant only when the stack is given callback URLs; never the implicit grant
// or a placeholder URL. The template's conditions are resolved for given parameter values.
import type { Template } from 'aws-cdk-lib/assertions';
import { HOSTED_UI_PARAMETERS } from '../../infra/constructs/hosted-sign-in';
import { TemplateResolver } from './support/resolve-template';
import { synthesize } from './synth';

let template: Template;

beforeAll(() => {
  template = synthesize({ search: false, graphqlTypes: 'Patient' }).template;
});

const OAUTH_PROPERTIES = ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs', 'SupportedIdentityProviders'];

function deployed(parameters: Record<string, string>): { client: Record<string, unknown>; domains: Record<string, unknown>[]; resolver: TemplateResolver } {
  const resolver = new TemplateResolver(template, parameters);
  const [client, ...others] = resolver.resources('AWS::Cognito::UserPoolClient');
  expect(others).toEqual([]);
  if (client === undefined) throw new Error('no app client');
  return { client, domains: resolver.resources('AWS::Cognito::UserPoolDomain'), resolver };
}

test('the template never allows the implicit grant nor redirects to a placeholder URL', () => {
  const text = JSON.stringify(template.findResources('AWS::Cognito::UserPoolClient'));
  expect(text).not.toContain('implicit');
  expect(text).not.toContain('example.com');
});

test('native apps sign in with SRP; no password, admin or custom auth flow is allowed', () => {
  expect(deployed({}).client['ExplicitAuthFlows']).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
});

test('without callback URLs (the default) the client has no OAuth flow and the pool no hosted domain', () => {
  const { client, domains } = deployed({});
  expect(client['AllowedOAuthFlowsUserPoolClient']).toBe(false);
  for (const property of OAUTH_PROPERTIES) expect(client[property]).toBeUndefined();
  expect(domains).toEqual([]);
});

test('with callback URLs: authorization code only, those URLs, OpenID scopes, and a hosted domain', () => {
  const callbacks = 'https://console.example.org/,http://localhost:5173/callback';
  const { client, domains } = deployed({ [HOSTED_UI_PARAMETERS.callbackUrls]: callbacks });
  expect(client).toMatchObject({
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    CallbackURLs: callbacks.split(','),
    SupportedIdentityProviders: ['COGNITO'],
    GenerateSecret: false,
  });
  expect(client['LogoutURLs']).toBeUndefined();
  expect(domains).toHaveLength(1);
  expect(JSON.stringify(domains[0]?.['Domain'])).toBe('{"Fn::Join":["-",["fhir-dev",{"Ref":"AWS::AccountId"}]]}');
});

test('logout URLs are set only together with callback URLs', () => {
  const logout = 'https://console.example.org/signed-out';
  expect(deployed({ [HOSTED_UI_PARAMETERS.callbackUrls]: 'https://console.example.org/', [HOSTED_UI_PARAMETERS.logoutUrls]: logout }).client['LogoutURLs']).toEqual([logout]);
  expect(deployed({ [HOSTED_UI_PARAMETERS.logoutUrls]: logout }).client['LogoutURLs']).toBeUndefined();
});

test('the URL parameters accept https:// and http://localhost only', () => {
  for (const name of Object.values(HOSTED_UI_PARAMETERS)) {
    const parameter = (template.toJSON() as { Parameters: Record<string, { Type: string; Default: string; AllowedPattern: string }> }).Parameters[name];
    expect(parameter).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    const pattern = new RegExp(parameter?.AllowedPattern ?? '(?!)');
    for (const good of ['', 'https://app.example.org/cb', 'http://localhost', 'http://localhost:3000/cb']) expect(pattern.test(good)).toBe(true);
    for (const bad of ['http://app.example.org/cb', 'javascript:alert(1)', 'https://a b', 'myapp://cb']) expect(pattern.test(bad)).toBe(false);
  }
});

test('the hosted sign-in domain is an output only when hosted sign-in is on', () => {
  const outputs = (template.toJSON() as { Outputs: Record<string, { Condition?: string }> }).Outputs;
  expect(outputs['HostedUiDomain']?.Condition).toBe('HostedUiEnabled');
  expect(new TemplateResolver(template, {}).condition('HostedUiEnabled')).toBe(false);
});
