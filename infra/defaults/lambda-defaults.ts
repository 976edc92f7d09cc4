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

/**
 * Packages the handlers load on first use (core/fhirpath-engine.ts): left out of index.js and
 * bundled, each into one file, under the asset's node_modules/, where Node's require finds them
 * from /var/task/index.js. A cold start then neither parses nor runs them unless a request needs
 * them (issue 10, "Cold start": fhirpath.js and its R4 model were about a third of index.js).
 */
export const LAZY_PACKAGES: readonly { readonly specifier: string; readonly entry: string }[] = [
  { specifier: 'fhirpath', entry: 'node_modules/fhirpath/src/fhirpath.js' },
  { specifier: 'fhirpath/fhir-context/r4', entry: 'node_modules/fhirpath/fhir-context/r4/index.js' },
];

function bundleLazyPackage(inputDir: string, outputDir: string, lazy: (typeof LAZY_PACKAGES)[number]): string {
  return [
    `"${inputDir}/node_modules/.bin/esbuild" "${inputDir}/${lazy.entry}" --bundle --platform=node --format=cjs --target=node24 --minify`,
    `--sourcemap --sources-content=false --log-level=warning --outfile="${outputDir}/node_modules/${lazy.specifier}/index.js"`,
  ].join(' ');
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
    externalModules: ['better-sqlite3', ...LAZY_PACKAGES.map((lazy) => lazy.specifier)],
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => [
        ...copyFiles.map((file) => `cp "${inputDir}/${file.source}" "${outputDir}/${file.target}"`),
        ...LAZY_PACKAGES.map((lazy) => bundleLazyPackage(inputDir, outputDir, lazy)),
      ],
    },
  };
}
