// fhirpath.js and its R4 model, loaded on first use rather than at module load (issue 10, "Cold
// start"): reads and most searches never evaluate FHIRPath (search extraction runs compiled
// functions first, core/search/fhirpath-compile.ts), and loading the engine and its model was
// about a third of a Lambda bundle's module load (BENCHMARKS.md, "Lambda cold start"). The AWS
// bundles keep it out of the handler file too (infra/defaults/lambda-defaults.ts).
import type * as Fhirpath from 'fhirpath';

export type FhirpathModule = typeof Fhirpath;
/** fhirpath.js's R4 model (fhirpath/fhir-context/r4), the second argument of `compile`. */
export type FhirpathModel = Fhirpath.Model;

export interface FhirpathEngine {
  readonly compile: FhirpathModule['compile'];
  /** fhirpath.js's bundled UCUM library (typed `any` upstream). */
  readonly ucumUtils: unknown;
  readonly r4Model: FhirpathModel;
}

let engine: FhirpathEngine | undefined;

/** The engine, loaded synchronously the first time a caller needs it. */
export function fhirpathEngine(): FhirpathEngine {
  if (engine === undefined) {
    // A synchronous require, not import(): extraction and validation are synchronous.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fhirpath = require('fhirpath') as FhirpathModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const r4Model = require('fhirpath/fhir-context/r4') as FhirpathModel;
    engine = { compile: fhirpath.compile, ucumUtils: fhirpath.ucumUtils, r4Model };
  }
  return engine;
}
