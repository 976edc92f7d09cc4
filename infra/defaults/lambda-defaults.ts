import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * Every FHIR Lambda: Node 24 (nodejs20.x is deprecated on Lambda since 2026-04-30; the bundle
 * has no native modules, so the runtime need not match the local Node) on Graviton, X-Ray
 * tracing, JSON logs. Bundled locally with the esbuild package already in node_modules (never Docker,
 * never a download); the AWS SDK is bundled too, so the deployed code runs the SDK versions the
 * tests ran. better-sqlite3 is the embedded home's native module and has no place in a Lambda.
 */
export const lambdaDefaults = {
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  tracing: lambda.Tracing.ACTIVE,
  loggingFormat: lambda.LoggingFormat.JSON,
  environment: {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
} as const;

export interface CopiedFile {
  /** Relative to the repository root. */
  readonly source: string;
  /** File name inside the bundle. */
  readonly target: string;
}

export function bundlingDefaults(copyFiles: readonly CopiedFile[]): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.CJS,
    target: 'node24',
    minify: true,
    // The map ships for offline symbolication of stack traces, without the sources inside it;
    // --enable-source-maps is off: loading a 10 MB map cost ~200 ms of every cold start (issue 10).
    sourceMap: true,
    sourcesContent: false,
    externalModules: ['better-sqlite3'],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => copyFiles.map((file) => `cp "${inputDir}/${file.source}" "${outputDir}/${file.target}"`),
    },
  };
}
