import type { Resource } from '../fhir-types';
import { IgPackageError, type IgPackage } from './ig-package';
import { baseRegistry, createRegistry } from './registry';

const pkg = (name: string, dependencies: Record<string, string>, resources: Resource[] = [], version = '1.0.0'): IgPackage => ({
  manifest: { name, version, dependencies, canonical: `http://example.org/${name}` }, resources, source: `${name}.tgz`,
});

const colorParam: Resource = { resourceType: 'SearchParameter', id: 'color', url: 'http://example.org/SearchParameter/color', code: 'color', type: 'token', base: ['Patient'], expression: "Patient.extension.where(url='http://example.org/color').value" };

describe('createRegistry', () => {
  it('the base layer is the R4 table', () => {
    expect(baseRegistry.getSearchParameter('Patient', 'birthdate')?.type).toBe('date');
    expect(baseRegistry.getSearchParameter('Patient', '_id')?.type).toBe('token');
    expect(baseRegistry.packages).toEqual([]);
  });

  it('a package search parameter is layered over the R4 ones with its url', () => {
    const registry = createRegistry([pkg('example.color', { 'hl7.fhir.r4.core': '4.0.1' }, [colorParam])]);
    expect(registry.getSearchParameter('Patient', 'color')).toEqual(expect.objectContaining({ type: 'token', url: 'http://example.org/SearchParameter/color' }));
    expect(registry.getSearchParameter('Patient', 'birthdate')?.type).toBe('date');
    expect(baseRegistry.getSearchParameter('Patient', 'color')).toBeUndefined();
    expect(registry.implementationGuides).toEqual(['http://example.org/example.color/ImplementationGuide/example.color']);
  });

  it('a missing dependency is an error naming it', () => {
    expect(() => createRegistry([pkg('example.a', { 'example.b': '2.0.0' })])).toThrow(/example\.a#1\.0\.0 depends on example\.b#2\.0\.0, which is not among the packages/);
  });

  it('a dependency of the wrong version is an error naming both versions', () => {
    expect(() => createRegistry([pkg('example.b', {}, [], '1.0.0'), pkg('example.a', { 'example.b': '2.0.x' })])).toThrow(/example\.b#2\.0\.x, but example\.b#1\.0\.0 was given/);
  });

  it('dependencies resolve among the given packages whatever their order', () => {
    const registry = createRegistry([pkg('example.a', { 'example.b': '1.0.x' }), pkg('example.b', {})]);
    expect(registry.packages.map((p) => p.name)).toEqual(['example.b', 'example.a']);
  });

  it('a dependency cycle is an error', () => {
    expect(() => createRegistry([pkg('example.a', { 'example.b': '1.0.0' }), pkg('example.b', { 'example.a': '1.0.0' })])).toThrow(IgPackageError);
  });

  it('a SearchParameter without a code is an error naming the package', () => {
    expect(() => createRegistry([pkg('example.bad', {}, [{ ...colorParam, code: undefined }])])).toThrow(/example\.bad: SearchParameter\/color needs url, code, type and base/);
  });

  it('profiles are found by url, with or without a version', () => {
    const sd: Resource = { resourceType: 'StructureDefinition', url: 'http://example.org/sd/p', name: 'P', type: 'Patient', kind: 'resource', derivation: 'constraint' };
    const registry = createRegistry([pkg('example.p', {}, [sd])]);
    expect(registry.structureDefinition('http://example.org/sd/p|1.0.0')?.type).toBe('Patient');
    expect(registry.profilesOf('Patient')).toEqual(['http://example.org/sd/p']);
  });
});
