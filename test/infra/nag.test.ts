// cdk-nag over every synthesized configuration (issue 10): AWS Solutions, HIPAA Security and
// NIST 800-53 r5. Any finding that is neither fixed nor acknowledged (with its reason, beside
// the construct: infra/nag.ts) fails the test, with the message saying how to do either.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildConsoleAssetsSync, writeConsoleAssets } from '../../console/build';
import { parseInfraConfig } from '../../infra/config';
import { FEATURE_FLAGS } from '../../infra/feature-flags';
import { FhirStack } from '../../infra/fhir-stack';
import type { LambdaEntries } from '../../infra/lambda-entries';
import { addNagPacks } from '../../infra/nag';

const fixtureEntry = join(__dirname, 'fixtures', 'handler.ts');
const entries: LambdaEntries = { rest: fixtureEntry, graphql: fixtureEntry, streamProcessor: fixtureEntry, searchSecurity: fixtureEntry };

// Every configuration is checked with the web console deployed (issue 15), as `infra/app.ts` deploys it.
let consoleAssetsDirectory: string;
beforeAll(() => {
  consoleAssetsDirectory = mkdtempSync(join(tmpdir(), 'fhir-nag-console-'));
  writeConsoleAssets(buildConsoleAssetsSync(), consoleAssetsDirectory);
}, 120_000);
afterAll(() => rmSync(consoleAssetsDirectory, { recursive: true, force: true }));

interface Report {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations?: readonly { readonly ruleName: string; readonly description: string; readonly violatingConstructs: readonly { readonly constructPath: string }[] }[];
  }[];
}

const HOW_TO = 'Fix the construct, or acknowledge the rule beside it with the reason it is right there: acknowledge(construct, "<reason>", "<rule id>") from infra/nag.ts (see infra/README.md, "cdk-nag").';

/** Every unacknowledged finding, one line each: rule, construct path, what it means. */
function nagFindings(context: Record<string, unknown>): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'fhir-nag-'));
  try {
    const app = new App({ outdir, context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
    addNagPacks(app);
    new FhirStack(app, 'Nag', { config: parseInfraConfig(context), entries, consoleAssetsDirectory });
    try {
      app.synth();
    } catch (error) {
      // A finding stops synthesis (ValidationFailed); the report below lists every one of them.
      if (!(error instanceof Error) || !/ValidationFailed|Validation failed/.test(`${error.name} ${error.message}`)) throw error;
    }
    const file = join(outdir, 'validation-report.json');
    const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : { pluginReports: [] };
    return report.pluginReports.flatMap((plugin) =>
      (plugin.violations ?? []).flatMap((violation) => violation.violatingConstructs.map((construct) => `${violation.ruleName} at ${construct.constructPath}: ${violation.description}`)),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

test.each([
  ['dev (every R4 type, search on)', {}],
  ['prod', { stage: 'prod', graphqlTypes: 'Patient,Observation' }],
  ['multi-tenant with SMART', { multiTenancy: true, authMode: 'smart', graphqlTypes: 'Patient' }],
  ['a GraphQL subset without search', { search: false, graphqlTypes: 'Patient,Observation' }],
])('%s: no unacknowledged cdk-nag finding (AwsSolutions, HIPAA Security, NIST 800-53 r5)', (_name, context) => {
  const findings = nagFindings(context);
  if (findings.length > 0) throw new Error(`${findings.length} cdk-nag finding(s):\n  ${findings.join('\n  ')}\n${HOW_TO}`);
}, 240_000);
