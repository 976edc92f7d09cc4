// `npm run generate` writes every generated file; `npm run generate:check` (CI) exits 1 when a
// committed one is stale or missing. To add a generator, import it and append it to the list.
import path from 'node:path';
import { generateDefinitions } from './generate-definitions';
import { generateGraphqlSchema } from './generate-graphql-schema';
import { generateInvariants } from './generate-invariants';
import { generateSearchParameters } from './generate-search-parameters';
import { generateSummaryElements } from './generate-summary-elements';
import { generateTerminology } from './generate-terminology';
import { runGenerators, type Generator } from './lib/generated-file';

const generators: readonly Generator[] = [
  generateDefinitions,
  generateGraphqlSchema,
  generateInvariants,
  generateSearchParameters,
  generateSummaryElements,
  generateTerminology,
];

runGenerators(generators, { root: path.resolve(__dirname, '..'), check: process.argv.includes('--check') }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
