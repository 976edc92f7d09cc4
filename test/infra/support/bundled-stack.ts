// The Lambda bundles exactly as `cdk deploy` builds them: the stack synthesized with the real
// entry files (infra/lambda-entries.ts) and NodejsFunction's local esbuild bundling on, into a
// temporary cloud assembly. Each function's asset directory is what Lambda unpacks into
// /var/task, so the tests load and invoke that code, not the TypeScript sources.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseInfraConfig } from '../../../infra/config';
import { FEATURE_FLAGS } from '../../../infra/feature-flags';
import { FhirStack } from '../../../infra/fhir-stack';

export interface BundledStack {
  readonly template: Template;
  /** The asset directory (Lambda's /var/task) of the function whose description starts so. */
  bundleOf(description: string): string;
  close(): void;
}

export interface FunctionResource {
  readonly Properties: { readonly Description?: string; readonly Code?: { readonly S3Key?: unknown }; readonly Environment?: { readonly Variables?: Record<string, unknown> } };
}

export function functionResource(template: Template, description: string): FunctionResource {
  const found = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>).find((fn) =>
    String(fn.Properties.Description ?? '').startsWith(description),
  );
  if (found === undefined) throw new Error(`No function described as ${description}`);
  return found;
}

/** Synthesizes with bundling (about 5 s of esbuild for the three functions on 2 cores). */
export function synthesizeBundled(context: Record<string, unknown>): BundledStack {
  const outdir = mkdtempSync(join(tmpdir(), 'fhir-bundled-'));
  const app = new App({ outdir, context: { ...FEATURE_FLAGS } });
  const stack = new FhirStack(app, 'Bundled', { config: parseInfraConfig(context) });
  app.synth();
  const template = Template.fromStack(stack);
  return {
    template,
    bundleOf(description) {
      const key = functionResource(template, description).Properties.Code?.S3Key;
      if (typeof key !== 'string') throw new Error(`Function ${description} has no asset key`);
      return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    },
    close() {
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

/**
 * A function's environment as CloudFormation would resolve it: literal values as synthesized,
 * references (table name, pool id, URLs) from `resolved`, and /var/task/ paths pointing into the
 * bundle directory. A reference without a value fails loudly, so nothing passes unseen.
 */
export function lambdaEnvironment(template: Template, description: string, bundleDir: string, resolved: Readonly<Record<string, string>>): Record<string, string> {
  const variables = functionResource(template, description).Properties.Environment?.Variables ?? {};
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    const given = resolved[name];
    if (given !== undefined) environment[name] = given;
    else if (typeof value === 'string') environment[name] = value.startsWith('/var/task/') ? join(bundleDir, value.slice('/var/task/'.length)) : value;
    else throw new Error(`${description}: ${name} is ${JSON.stringify(value)}; give the test its resolved value`);
  }
  return environment;
}
