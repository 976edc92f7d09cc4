// Which profiles a resource is held to, and the checks against them (issue 14): every
// meta.profile it claims, the profiles the configuration requires of its type, and those a
// $validate names; plus every extension whose URL the registry defines, wherever it appears.
// Profiles are compiled once per URL and cached for the life of the registry.
import type { ProfilePolicy } from '../../config';
import { isJsonObject, type JsonValue, type OperationOutcomeIssue, type Resource } from '../../fhir-types';
import type { DefinitionRegistry } from '../../registry/registry';
import { compileProfile, type CompiledProfile } from './compile-profile';
import { ProfileWalk, type InvariantEvaluator, type ProfileContext } from './validate-profile';
import { valueSetCodes } from './value-set-codes';

/** Issues of `resource` against its profiles (`extra`: profiles named by $validate). */
export type ProfileValidator = (resource: Resource, extra?: readonly string[]) => OperationOutcomeIssue[];

const R4_BASE = 'http://hl7.org/fhir/StructureDefinition/';

function claimed(resource: Resource): { url: string; path: string }[] {
  const profiles = resource.meta?.profile;
  return Array.isArray(profiles) ? profiles.map((url, i) => ({ url, path: `${resource.resourceType}.meta.profile[${i}]` })).filter((p) => typeof p.url === 'string') : [];
}

export function createProfileValidator(registry: DefinitionRegistry, policy: ProfilePolicy, evaluate: InvariantEvaluator): ProfileValidator {
  const compiled = new Map<string, CompiledProfile | null>();
  const codes = new Map<string, ReadonlySet<string> | null>();
  const ctx: ProfileContext = {
    profile(url) {
      const key = url.split('|')[0] ?? url;
      let p = compiled.get(key);
      if (p === undefined) {
        const sd = registry.structureDefinition(key);
        p = (sd && compileProfile(sd.definition)) ?? null;
        compiled.set(key, p);
      }
      return p ?? undefined;
    },
    typeOf(url) {
      const key = url.split('|')[0] ?? url;
      if (key.startsWith(R4_BASE) && registry.structureDefinition(key) === undefined) return registry.isResourceType(key.slice(R4_BASE.length)) ? key.slice(R4_BASE.length) : undefined;
      return registry.structureDefinition(key)?.type;
    },
    valueSetCodes(url) {
      let set = codes.get(url);
      if (set === undefined) {
        set = valueSetCodes(registry, url) ?? null;
        codes.set(url, set);
      }
      return set ?? undefined;
    },
    evaluate,
  };

  /** Extensions anywhere in the resource: known URLs checked against their definition; unknown ones per policy. */
  const extensions = (walk: ProfileWalk, value: JsonValue | undefined, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => extensions(walk, v, `${path}[${i}]`));
      return;
    }
    if (!isJsonObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'extension' || key === 'modifierExtension') && Array.isArray(child)) {
        child.forEach((ext, i) => {
          const at = `${path}.${key}[${i}]`;
          const url = isJsonObject(ext) ? ext['url'] : undefined;
          // Relative urls name the parts of a complex extension, checked with their parent.
          if (typeof url !== 'string' || !/^[a-z]+:/.test(url)) return;
          const definition = ctx.profile(url);
          if (definition) walk.profile(definition, ext ?? null, at);
          else if (policy.unknownExtensions === 'refuse' && !url.startsWith(R4_BASE)) {
            walk.issues.push({ severity: 'error', code: 'extension', diagnostics: `${at}: the extension ${url} is not defined by any loaded IG package, and unknown extensions are refused (FHIR_UNKNOWN_EXTENSIONS)`, expression: [`${at}.url`] });
          }
          if (isJsonObject(ext)) for (const [k, v] of Object.entries(ext)) if (k !== 'extension') extensions(walk, v, `${at}.${k}`);
        });
      } else if (key !== 'contained') {
        extensions(walk, child, `${path}.${key}`);
      }
    }
  };

  return (resource, extra = []) => {
    const walk = new ProfileWalk(ctx, resource);
    const wanted = [
      ...claimed(resource),
      ...(policy.requiredProfiles[resource.resourceType] ?? []).map((url) => ({ url, path: resource.resourceType })),
      ...extra.map((url) => ({ url, path: resource.resourceType })),
    ];
    const seen = new Set<string>();
    for (const { url, path } of wanted) {
      const key = url.split('|')[0] ?? url;
      if (seen.has(key)) continue;
      seen.add(key);
      if (key === `${R4_BASE}${resource.resourceType}`) continue; // the base definition: the core validator's
      const profile = ctx.profile(key);
      if (profile === undefined) {
        const severity = policy.unknownProfile === 'warn' ? 'warning' : 'error';
        walk.issues.push({ severity, code: 'not-supported', diagnostics: `The profile ${url} is not known to this server (no loaded IG package defines it)`, expression: [path] });
        continue;
      }
      if (profile.type !== resource.resourceType) {
        walk.issues.push({ severity: 'error', code: 'invalid', diagnostics: `The profile ${url} constrains ${profile.type}, not ${resource.resourceType}`, expression: [path] });
        continue;
      }
      walk.profile(profile, resource, resource.resourceType);
    }
    if (registry.packages.length > 0 || policy.unknownExtensions === 'refuse') extensions(walk, resource, resource.resourceType);
    return dedupe(walk.issues);
  };
}

/** An extension checked through a profile slice and again as an extension reports once. */
function dedupe(issues: readonly OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.severity}|${i.diagnostics ?? ''}|${(i.expression ?? []).join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
