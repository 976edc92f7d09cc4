// Cold start (issue 10): what the bundles, exactly as `cdk deploy` builds them, do at module load
// and what they leave to first use. fhirpath.js and its R4 model sit beside index.js, bundled
// under node_modules/ (infra/defaults/lambda-defaults.ts: LAZY_PACKAGES), and load only when
// FHIRPath runs (core/fhirpath-engine.ts); the GraphQL Lambda builds its schema at init.
// Figures: test/aws/bench-cold-start.ts (`npm run bench`), BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { lambdaEnvironment, synthesizeBundled, type BundledStack } from './support/bundled-stack';
import { GRAPHQL_FUNCTION, REST_FUNCTION, STREAM_FUNCTION } from './support/function-names';

let bundled: BundledStack;
beforeAll(() => {
  bundled = synthesizeBundled({ search: false });
}, 300_000);
afterAll(() => bundled?.close());

/** Runs a script in a fresh Node process (a new Lambda container) and returns its stdout. */
function run(script: string, args: readonly string[], environment: Readonly<Record<string, string>> = {}): string {
  return execFileSync(process.execPath, ['-e', script, ...args], {
    env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', ...environment },
    encoding: 'utf8',
  });
}

/** A string only fhirpath.js's generated parser holds (its grammar's file name). */
const FHIRPATH_PARSER_MARK = 'FHIRPath.g4';

// The stream processor evaluates no FHIRPath (the write path stored the index entries), so its
// index.js does not even name the engine; the REST and GraphQL Lambdas require it on first use.
describe.each([[REST_FUNCTION, true], [GRAPHQL_FUNCTION, true], [STREAM_FUNCTION, false]])('the %s bundle', (name, requiresEngine) => {
  test('leaves fhirpath.js and its R4 model out of index.js, and loads neither at module load', () => {
    const dir = bundled.bundleOf(name);
    const index = readFileSync(join(dir, 'index.js'), 'utf8');

    // Booleans, not toContain: a failure would print the whole bundle.
    expect({
      parser: index.includes(FHIRPATH_PARSER_MARK),
      engine: index.includes('require("fhirpath")'),
      model: index.includes('require("fhirpath/fhir-context/r4")'),
    }).toEqual({ parser: false, engine: requiresEngine, model: requiresEngine });
    const loaded = JSON.parse(run('require(process.argv[1]); process.stdout.write(JSON.stringify(Object.keys(require.cache)))', [join(dir, 'index.js')])) as string[];
    expect(loaded.map((file) => relative(dir, file))).toEqual(['index.js']);
  });

  test('finds them beside index.js when FHIRPath runs: an invariant, an extraction and a UCUM conversion', () => {
    const dir = bundled.bundleOf(name);
    const script = `
      const { createRequire } = require('node:module');
      const load = createRequire(process.argv[1]);
      const fhirpath = load('fhirpath');
      const r4 = load('fhirpath/fhir-context/r4');
      const observation = { resourceType: 'Observation', status: 'final', code: { text: 'weight' }, valueQuantity: { value: 72, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } };
      process.stdout.write(JSON.stringify({
        files: [load.resolve('fhirpath'), load.resolve('fhirpath/fhir-context/r4')],
        invariant: fhirpath.compile('value.exists() or dataAbsentReason.exists()', r4)(observation),
        extracted: fhirpath.compile('Observation.value.ofType(Quantity).value', r4)(observation),
        grams: fhirpath.ucumUtils.convertToBaseUnits('kg', 72).magnitude,
      }));
    `;

    const result = JSON.parse(run(script, [join(dir, 'index.js')])) as { files: string[]; invariant: unknown; extracted: unknown; grams: unknown };

    expect(result.files.map((file) => relative(dir, file))).toEqual(['node_modules/fhirpath/index.js', 'node_modules/fhirpath/fhir-context/r4/index.js']);
    expect(result).toMatchObject({ invariant: [true], extracted: [72], grams: 72000 });
    expect(readFileSync(result.files[0] ?? '', 'utf8').includes(FHIRPATH_PARSER_MARK)).toBe(true);
  });
});

test('the GraphQL Lambda builds its schema at init: after module load it no longer needs the schema file', () => {
  const dir = bundled.bundleOf(GRAPHQL_FUNCTION);
  const scratch = mkdtempSync(join(tmpdir(), 'fhir-cold-'));
  try {
    const schemaFile = join(scratch, 'schema.graphql');
    copyFileSync(join(dir, 'schema.graphql'), schemaFile);
    const environment = {
      ...lambdaEnvironment(bundled.template, GRAPHQL_FUNCTION, dir, {
        FHIR_TABLE_NAME: 'unused', FHIR_BINARY_BUCKET: 'unused', FHIR_COGNITO_USER_POOL_ID: 'us-east-1_Cold12345', FHIR_COGNITO_CLIENT_ID: 'cold',
        FHIR_BASE_URL: 'https://fhir.example.org/fhir', FHIR_APPSYNC_URL: 'https://example.appsync-api.us-east-1.amazonaws.com/graphql',
      }),
      FHIR_GRAPHQL_SCHEMA_FILE: schemaFile,
    };
    // The schema file goes away after module load; a field the schema does not have is then
    // refused by the schema built at init (no store is reached), not by a missing file.
    const script = `
      const { handler } = require(process.argv[1]);
      require('node:fs').rmSync(process.argv[2]);
      const event = { arguments: {}, identity: { sub: 'u', claims: { sub: 'u', 'cognito:groups': ['practitioner'] } }, source: null, prev: null, stash: {},
        request: { headers: {}, domainName: null }, info: { parentTypeName: 'Query', fieldName: 'NoSuchField', variables: {}, selectionSetList: [], selectionSetGraphQL: '' } };
      handler(event).then(
        (value) => process.stdout.write(JSON.stringify({ value })),
        (error) => process.stdout.write(JSON.stringify({ errorType: error.name, errorMessage: error.message })));
    `;

    const outcome = JSON.parse(run(script, [join(dir, 'index.js'), schemaFile], environment)) as Record<string, unknown>;

    expect(outcome).toEqual({ errorType: 'INVALID_REQUEST', errorMessage: 'Unknown field Query.NoSuchField' });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
