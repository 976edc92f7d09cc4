// Synthesizes the FHIR stack offline for the infra tests: no Docker, no network, no bundling
// (the `aws:cdk:bundling-stacks` context set to no stacks), with the app's feature flags.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, NestedStack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseInfraConfig } from '../../infra/config';
import { FEATURE_FLAGS } from '../../infra/feature-flags';
import { FhirStack } from '../../infra/fhir-stack';
import type { LambdaEntries } from '../../infra/lambda-entries';

const fixtureEntry = join(__dirname, 'fixtures', 'handler.ts');
const entries: LambdaEntries = { rest: fixtureEntry, graphql: fixtureEntry, streamProcessor: fixtureEntry, searchSecurity: fixtureEntry };

/** Cloud assemblies written by this test file, removed when it ends. */
const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
});

export interface Synthesized {
  readonly stack: FhirStack;
  readonly template: Template;
  /** The resolver nested stacks' templates. */
  readonly nested: Template[];
  /** The cloud assembly directory (holds validation-report.json when validation ran). */
  readonly outdir: string;
}

/**
 * CDK's built-in CloudFormation rule check costs seconds per synth, so it is off except where a
 * test asks for it (`validate`), and then its findings are errors.
 */
export function synthesize(context: Record<string, unknown> = {}, options: { validate?: boolean; consoleAssetsDirectory?: string } = {}): Synthesized {
  const validate = options.validate ?? false;
  const outdir = mkdtempSync(join(tmpdir(), 'fhir-cdk-'));
  outdirs.push(outdir);
  const app = new App({
    builtinCloudFormationValidation: validate,
    outdir,
    context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [], ...(validate ? { '@aws-cdk/core:validateAgainstDefaultRules': true } : {}) },
  });
  const stack = new FhirStack(app, 'Test', { config: parseInfraConfig(context), entries, ...(options.consoleAssetsDirectory === undefined ? {} : { consoleAssetsDirectory: options.consoleAssetsDirectory }) });
  const nested = stack.node.findAll().filter((construct): construct is NestedStack => construct instanceof NestedStack);
  return { stack, template: Template.fromStack(stack), nested: nested.map((child) => Template.fromStack(child)), outdir };
}

/** Every resource of a type, as [logical id, resource] pairs. */
export function resourcesOf(template: Template, type: string): [string, { Properties?: Record<string, unknown> }][] {
  return Object.entries(template.findResources(type));
}

export interface Statement {
  readonly policy: string;
  /** Logical ids of the roles the policy is attached to. */
  readonly roles: readonly string[];
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly unknown[];
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function refOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && 'Ref' in value && typeof value.Ref === 'string' ? value.Ref : undefined;
}

/** Every identity-policy statement: AWS::IAM::Policy documents and roles' inline policies. */
export function iamStatements(template: Template): Statement[] {
  const statements: Statement[] = [];
  const add = (policy: string, roles: string[], document: unknown): void => {
    const list = typeof document === 'object' && document !== null && 'Statement' in document ? asList(document.Statement) : [];
    for (const raw of list) {
      const statement = raw as { Effect?: string; Action?: unknown; Resource?: unknown };
      statements.push({ policy, roles, effect: statement.Effect ?? '', actions: asList(statement.Action).map(String), resources: asList(statement.Resource) });
    }
  };
  for (const [id, resource] of resourcesOf(template, 'AWS::IAM::Policy')) {
    const roles = asList(resource.Properties?.['Roles']).map(refOf).filter((ref): ref is string => ref !== undefined);
    add(id, roles, resource.Properties?.['PolicyDocument']);
  }
  for (const [id, resource] of resourcesOf(template, 'AWS::IAM::Role')) {
    for (const inline of asList(resource.Properties?.['Policies'])) {
      add(id, [id], typeof inline === 'object' && inline !== null && 'PolicyDocument' in inline ? inline.PolicyDocument : undefined);
    }
  }
  return statements;
}

/** A Lambda function found by the start of its description, with its role's logical id. */
export function functionNamed(template: Template, description: string): { id: string; properties: Record<string, unknown>; roleId: string } {
  const found = resourcesOf(template, 'AWS::Lambda::Function').find(([, resource]) => String(resource.Properties?.['Description'] ?? '').startsWith(description));
  if (!found) throw new Error(`No function described as ${description}`);
  const [id, resource] = found;
  const properties = resource.Properties ?? {};
  const role = properties['Role'] as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const roleId = role?.['Fn::GetAtt']?.[0];
  if (roleId === undefined) throw new Error(`Function ${id} has no role of this stack`);
  return { id, properties, roleId };
}

/** The actions a role is allowed, over all its statements. */
export function actionsOfRole(template: Template, roleId: string): string[] {
  return iamStatements(template)
    .filter((statement) => statement.roles.includes(roleId) && statement.effect === 'Allow')
    .flatMap((statement) => statement.actions);
}

export { GRAPHQL_FUNCTION, REST_FUNCTION, STREAM_FUNCTION } from './support/function-names';
