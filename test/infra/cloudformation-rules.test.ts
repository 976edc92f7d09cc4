// CDK's built-in CloudFormation validation (resource schemas and the default rules, e.g.
// deprecated Lambda runtimes): what `cdk deploy` would reject or warn about fails here first,
// offline. Findings of any severity fail the test.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from './synth';

interface ValidationReport {
  readonly pluginReports: readonly { readonly pluginName: string; readonly violations?: readonly { readonly ruleName: string; readonly description?: string }[] }[];
}

test('the stack, with search and multi-tenancy on, passes CloudFormation validation without findings', () => {
  const { outdir } = synthesize({ stage: 'prod', multiTenancy: true, graphqlTypes: 'Patient' }, { validate: true });

  const reportFile = join(outdir, 'validation-report.json');
  const report: ValidationReport = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport) : { pluginReports: [] };
  const findings = report.pluginReports.flatMap((plugin) => (plugin.violations ?? []).map((violation) => `${plugin.pluginName}: ${violation.ruleName} ${violation.description ?? ''}`));
  expect(findings).toEqual([]);
});
