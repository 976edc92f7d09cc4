// Issue 15: the web console on AWS is a private S3 bucket behind CloudFront (origin access
// control, HTTPS only, security headers with a strict CSP), and what it deploys is the console
// bundled by console/build.ts with an index.html that loads only same-origin scripts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { buildConsoleAssetsSync, writeConsoleAssets } from '../../console/build';
import { HOSTED_SIGN_IN_CONFIG_FILE, parseHostedSignInConfig } from '../../console/hosted-sign-in-config';
import { HOSTED_UI_PARAMETERS } from '../../infra/constructs/hosted-sign-in';
import { TemplateResolver } from './support/resolve-template';
import { resourcesOf, synthesize, type Synthesized } from './synth';

let assets: string;
let synthesized: Synthesized;
beforeAll(() => {
  assets = mkdtempSync(join(tmpdir(), 'console-assets-'));
  writeConsoleAssets(buildConsoleAssetsSync(), assets);
  synthesized = synthesize({}, { consoleAssetsDirectory: assets });
}, 120_000);
afterAll(() => rmSync(assets, { recursive: true, force: true }));

const distributionConfig = (): Record<string, unknown> => {
  const [distribution] = resourcesOf(synthesized.template, 'AWS::CloudFront::Distribution');
  return (distribution?.[1].Properties?.['DistributionConfig'] ?? {}) as Record<string, unknown>;
};

test('without built assets no console is deployed (the default synth stays as it was)', () => {
  expect(resourcesOf(synthesize().template, 'AWS::CloudFront::Distribution')).toHaveLength(0);
});

test('the console bucket blocks public access, is encrypted and refuses plain HTTP', () => {
  const buckets = resourcesOf(synthesized.template, 'AWS::S3::Bucket').filter(([id]) => id.startsWith('Console'));
  expect(buckets).toHaveLength(1);
  expect(buckets[0]?.[1].Properties).toMatchObject({
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
  });
  synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: buckets[0]?.[0] },
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
});

test('CloudFront reads the bucket through origin access control, only for this distribution', () => {
  synthesized.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } });
  const origins = distributionConfig()['Origins'] as { S3OriginConfig?: { OriginAccessIdentity?: string }; OriginAccessControlId?: unknown }[];
  expect(origins[0]?.OriginAccessControlId).toBeDefined();
  expect(origins[0]?.S3OriginConfig?.OriginAccessIdentity ?? '').toBe('');
  synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } } })]) },
  });
});

test('viewers get HTTPS only, with HSTS, nosniff, no framing and a CSP without unsafe-inline scripts', () => {
  expect(distributionConfig()['DefaultCacheBehavior']).toMatchObject({ ViewerProtocolPolicy: 'https-only', AllowedMethods: ['GET', 'HEAD'] });
  const [policy] = resourcesOf(synthesized.template, 'AWS::CloudFront::ResponseHeadersPolicy');
  const headers = (policy?.[1].Properties?.['ResponseHeadersPolicyConfig'] as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
  const csp = JSON.stringify(headers['ContentSecurityPolicy']?.['ContentSecurityPolicy']);
  expect(csp).toContain("script-src 'self';");
  expect(csp).toContain("default-src 'none'");
  expect(headers['StrictTransportSecurity']).toMatchObject({ Override: true, AccessControlMaxAgeSec: 31536000 });
  expect(headers['ContentTypeOptions']).toMatchObject({ Override: true });
  expect(headers['FrameOptions']).toMatchObject({ FrameOption: 'DENY' });
});

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('the deployment ships the bundled console and an index.html that loads only its own scripts', () => {
  const [deployment] = resourcesOf(synthesized.template, 'Custom::CDKBucketDeployment');
  expect((deployment?.[1].Properties?.['SourceObjectKeys'] as unknown[]).length).toBe(4);
  expect(readdirSync(assets).sort()).toEqual(['console.css', 'console.js', 'graphiql.css', 'graphiql.js']);
  // Source.data writes index.html into the cloud assembly as an asset the deployment copies.
  const index = filesUnder(synthesized.outdir).map((file) => readFileSync(file)).find((bytes) => bytes.includes('<title>FHIR console</title>'));
  const html = index?.toString('utf8') ?? '';
  const scripts = [...html.matchAll(/<script\b[^>]*src="([^"]+)"/g)].map((match) => match[1]);
  expect(scripts).toEqual(['./console.js']);
  expect(html).not.toMatch(/<script>(?!<\/script>)/);
  expect(html).toContain('data-dev-tokens="false"');
  expect(html).toContain('data-hosted-sign-in="true"');
});

/**
 * console-config.json as the deployment writes it to the bucket for given stack parameters: the
 * asset's markers replaced by the deployment's SourceMarkers, resolved as CloudFormation would.
 */
function deployedConsoleConfig(parameters: Record<string, string>): unknown {
  const resolver = new TemplateResolver(synthesized.template, { 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012', ...parameters });
  const [deployment] = resourcesOf(synthesized.template, 'Custom::CDKBucketDeployment');
  const file = filesUnder(synthesized.outdir).find((path) => path.endsWith(`/${HOSTED_SIGN_IN_CONFIG_FILE}`)) ?? '';
  // The asset directory asset.<hash>/ is the source <hash>.zip; its markers sit at the same index.
  const hash = /asset\.([0-9a-f]+)\//.exec(file)?.[1];
  const index = (deployment?.[1].Properties?.['SourceObjectKeys'] as string[]).indexOf(`${hash ?? ''}.zip`);
  expect(index).toBeGreaterThanOrEqual(0);
  const markers = Object.entries((deployment?.[1].Properties?.['SourceMarkers'] as Record<string, unknown>[])[index] ?? {});
  let filled = readFileSync(file, 'utf8');
  for (const [marker, value] of markers) {
    const resolved = resolver.resolve(value);
    filled = filled.split(marker).join(typeof resolved === 'string' ? resolved : JSON.stringify(resolved).replace(/"/g, "'"));
  }
  return JSON.parse(filled);
}

test('console-config.json: without callback URLs hosted sign-in is off and the console offers pasting a token', () => {
  const config = deployedConsoleConfig({});
  expect(config).toMatchObject({ domain: '', redirectUri: '', logoutUri: '' });
  expect(parseHostedSignInConfig(config)).toBeUndefined();
});

test('console-config.json: with callback URLs it names the hosted UI domain, the app client and the first callback URL', () => {
  const config = parseHostedSignInConfig(deployedConsoleConfig({
    [HOSTED_UI_PARAMETERS.callbackUrls]: 'https://d111111abcdef8.cloudfront.net/,http://localhost:5173/',
    [HOSTED_UI_PARAMETERS.logoutUrls]: 'https://d111111abcdef8.cloudfront.net/',
  }));
  const [client] = resourcesOf(synthesized.template, 'AWS::Cognito::UserPoolClient');
  expect(config).toEqual({
    domain: 'https://fhir-dev-123456789012.auth.eu-west-1.amazoncognito.com',
    clientId: `{'Ref':'${client?.[0] ?? ''}'}`,
    redirectUri: 'https://d111111abcdef8.cloudfront.net/',
    logoutUri: 'https://d111111abcdef8.cloudfront.net/',
  });
});

test('the CSP lets the console reach Cognito\'s token endpoint, and the bundled console signs in with code + PKCE only', () => {
  const [policy] = resourcesOf(synthesized.template, 'AWS::CloudFront::ResponseHeadersPolicy');
  expect(JSON.stringify(policy?.[1].Properties)).toContain('https://*.auth.');
  // The deployed console.js (the bundle the bucket serves): S256 challenge to /oauth2/authorize,
  // code exchange with the verifier; never response_type=token (the implicit grant).
  const bundle = readFileSync(join(assets, 'console.js'), 'utf8');
  for (const piece of ['/oauth2/authorize', '/oauth2/token', 'code_challenge_method', 'S256', 'code_verifier', 'authorization_code']) expect(bundle).toContain(piece);
  expect(bundle).not.toMatch(/response_type[^,;]{0,20}token/);
});

test('the deployment provider logs to its own log group, encrypted with the data key', () => {
  const groups = resourcesOf(synthesized.template, 'AWS::Logs::LogGroup').filter(([id]) => id.startsWith('ConsoleDeployLogs'));
  expect(groups).toHaveLength(1);
  expect(groups[0]?.[1].Properties?.['KmsKeyId']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
  const providers = resourcesOf(synthesized.template, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('CustomCDKBucketDeployment'));
  expect(providers).toHaveLength(1);
  expect(providers[0]?.[1].Properties?.['LoggingConfig']).toEqual({ LogGroup: { Ref: groups[0]?.[0] } });
});
