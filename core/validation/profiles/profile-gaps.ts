// What the server cannot enforce of a StructureDefinition (for `npm run ig -- inspect`): found by
// compiling it as validation does, and by asking the registry for each required binding's codes.
import type { Resource } from '../../fhir-types';
import type { DefinitionRegistry } from '../../registry/registry';
import { compileProfile, type ElementNode } from './compile-profile';
import { fhirpathInvariant } from './fhirpath-invariant';
import { valueSetCodes } from './value-set-codes';

function walk(node: ElementNode, visit: (n: ElementNode) => void): void {
  visit(node);
  for (const child of node.children.values()) walk(child, visit);
  for (const slice of node.slices) walk(slice, visit);
}

export function profileGaps(definition: Resource, registry: DefinitionRegistry): string[] {
  const compiled = compileProfile(definition);
  if (compiled === undefined) return ['no snapshot: the profile cannot be enforced (publish the package with snapshots)'];
  const gaps = [...compiled.unsupported];
  walk(compiled.root, (node) => {
    if (node.binding?.strength === 'required' && valueSetCodes(registry, node.binding.valueSet) === undefined) {
      gaps.push(node.binding.valueSet.startsWith('http://hl7.org/fhir/ValueSet/')
        ? `${node.id}: required binding to the R4 value set ${node.binding.valueSet}, checked only where R4 itself requires it`
        : `${node.id}: required binding to ${node.binding.valueSet}, which no loaded package lets the server expand`);
    }
    for (const c of node.constraints) {
      try {
        fhirpathInvariant({ resourceType: 'Basic' }, {}, c.expression);
      } catch (error) {
        gaps.push(`${node.id}: invariant ${c.key} does not evaluate here (${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)})`);
      }
    }
  });
  return gaps;
}
