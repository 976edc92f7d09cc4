// The CDK app: `npx aws-cdk@2 deploy` from infra/ (cdk.json), or with `--app "npx tsx infra/app.ts"`
// from the repository root. Settings come from CDK context (infra/README.md).
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildConsoleAssetsSync, writeConsoleAssets } from '../console/build';
import { INFRA_CONTEXT_KEYS, parseInfraConfig } from './config';
import { FEATURE_FLAGS } from './feature-flags';
import { FhirStack } from './fhir-stack';
import { addNagPacks } from './nag';
import { DEFAULT_LAMBDA_ENTRIES, HANDLER_EXPORT, missingEntries } from './lambda-entries';

const app = new App({ context: FEATURE_FLAGS });
// cdk-nag findings stop `cdk synth` and `cdk deploy` as they stop the tests (infra/nag.ts).
addNagPacks(app);
const context: Record<string, unknown> = {};
for (const key of INFRA_CONTEXT_KEYS) {
  const value: unknown = app.node.tryGetContext(key);
  if (value !== undefined) context[key] = value;
}
const config = parseInfraConfig(context);
const missing = missingEntries(DEFAULT_LAMBDA_ENTRIES);
if (missing.length > 0) {
  throw new Error(`Lambda entry files not found: ${missing.join(', ')}. Each must export \`${HANDLER_EXPORT}\` (infra/lambda-entries.ts).`);
}

// The web console is bundled from npm packages at synth time (console/build.ts) for its S3 bucket.
const consoleAssetsDirectory = join(app.outdir, 'console-assets');
writeConsoleAssets(buildConsoleAssetsSync(), consoleAssetsDirectory);

new FhirStack(app, `Fhir-${config.stage}`, {
  config,
  consoleAssetsDirectory,
  description: `FHIR R4 server (${config.stage}): REST on API Gateway, GraphQL on AppSync, DynamoDB, OpenSearch, S3, Cognito`,
  // The account and region of the CLI's credentials, so the VPC spans three zones.
  env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] },
  terminationProtection: config.retainData,
});
app.synth();
