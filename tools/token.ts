// `npm run token -- --group practitioner --tenant t1` prints a token signed by the local dev
// issuer (issue 5), read from the same data directory as the server (FHIR_DATA_DIR, default ./data).
// SMART: `npm run token -- --scope "patient/Observation.rs launch/patient" --patient 123 --fhir-user Practitioner/9`.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDevIssuer, type DevTokenInput } from '../adapters/auth/dev-issuer';

const USAGE = `Usage: npm run token -- [options]
  --group <name>        Cognito group (repeatable), e.g. practitioner, non-practitioner, auditor
  --tenant <id>         tenant id (custom:tenantId), needed when multi-tenancy is on
  --scope "<scopes>"    SMART scopes, space separated (repeatable); makes an access token for SMART mode
  --patient <id>        SMART launch patient
  --fhir-user <ref>     SMART fhirUser, e.g. Practitioner/9
  --subject <sub>       token subject (default derived from the groups)
  --expires-in <sec>    lifetime in seconds (default 3600)
  --data-dir <dir>      data directory (default $FHIR_DATA_DIR or ./data)`;

function parseTokenArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    options: {
      group: { type: 'string', multiple: true },
      tenant: { type: 'string' },
      scope: { type: 'string', multiple: true },
      patient: { type: 'string' },
      'fhir-user': { type: 'string' },
      subject: { type: 'string' },
      'expires-in': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
}

/** Turns the command line into the dev issuer's token input (throws with the usage on bad input). */
export function tokenInputFromArgs(args: readonly string[]): { input: DevTokenInput; dataDir: string | undefined } {
  let parsed: ReturnType<typeof parseTokenArgs>;
  try {
    parsed = parseTokenArgs(args);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help === true) throw new Error(USAGE);
  const expiresIn = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
  if (expiresIn !== undefined && (!Number.isInteger(expiresIn) || expiresIn <= 0)) throw new Error(`--expires-in must be a positive integer\n${USAGE}`);
  const scopes = values.scope?.flatMap((s) => s.split(/\s+/)).filter((s) => s !== '');
  const input: { -readonly [K in keyof DevTokenInput]: DevTokenInput[K] } = {};
  if (values.group !== undefined) input.groups = values.group;
  if (values.tenant !== undefined) input.tenant = values.tenant;
  if (scopes !== undefined) input.scopes = scopes;
  if (values.patient !== undefined) input.patient = values.patient;
  if (values['fhir-user'] !== undefined) input.fhirUser = values['fhir-user'];
  if (values.subject !== undefined) input.subject = values.subject;
  if (expiresIn !== undefined) input.expiresInSeconds = expiresIn;
  return { input, dataDir: values['data-dir'] };
}

function main(): void {
  try {
    const { input, dataDir } = tokenInputFromArgs(process.argv.slice(2));
    const issuer = createDevIssuer(resolve(dataDir ?? process.env.FHIR_DATA_DIR ?? 'data'));
    process.stdout.write(`${issuer.mint(input)}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}

if (require.main === module) main();
