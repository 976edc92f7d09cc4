// The R4 base invariants that are not evaluated with fhirpath.js, each with the reason (issue 9,
// defect 2). Named `<element path> <key>` as in core/generated/invariants.ts. Where the rule is
// still enforced another way, the reason says where. `* key` lists a constraint at every path
// (dom-3 is copied onto every resource type). core/validation/invariants.test.ts checks
// that every entry names a constraint that exists.
export const invariantExceptions: Readonly<Record<string, string>> = {
  // fhirpath.js throws "Expected singleton on left side of 'as'" whenever a resource has more
  // than one reference or uri (descendants().as(canonical)). The same rule (every contained
  // resource is referenced from the container, or refers to it) is enforced natively by
  // containment-scope.ts, with the same severity.
  // ele-1 holds on every element; evaluating it through fhirpath.js at each node cost more than
  // all the other invariants together. resource-invariants.ts checks the same rule natively (an
  // element other than a resource has a child other than id; json.html already forbids empty
  // objects and values), with the same severity and the element's path.
  '* ele-1': 'evaluated natively at every element by core/validation/resource-invariants.ts (same rule, same severity; fhirpath per node was the main cost)',
  '* dom-3': 'uses `as` on a collection, which fhirpath.js rejects; enforced natively by core/validation/containment-scope.ts',
  // The regexes use XML Schema escapes ("\\'" inside a character class) that JavaScript's
  // unicode-mode RegExp refuses ("Lone quantifier brackets", "Invalid escape").
  'ElementDefinition eld-19': "matches() with a regex JavaScript refuses in unicode mode (invalid escape); the element-name rule is only checked when a StructureDefinition is validated as a profile (iss14)",
  'ElementDefinition eld-20': "matches() with a regex JavaScript refuses in unicode mode (lone quantifier bracket); as for eld-19",
  // resolve() needs a resource store and is not available in synchronous evaluation.
  'CareTeam.participant ctm-1': 'uses resolve() (the referenced resource must be read): not available in synchronous evaluation',
  // htmlChecks() is not implemented by fhirpath.js: the narrative's XHTML is parsed and checked
  // natively, with the same severity, at Narrative.div (narrative.html#xhtml).
  'Narrative txt-1': 'htmlChecks() is not in fhirpath.js; evaluated natively by core/validation/narrative-xhtml.ts (allowed elements and attributes, XHTML div root, well-formed)',
  'Narrative txt-2': 'htmlChecks() is not in fhirpath.js; evaluated natively by core/validation/narrative-xhtml.ts (some non-whitespace content)',
};

/**
 * R4 base invariants evaluated with a corrected expression, each with the reason. An invariant
 * passes unless its expression is `false` (invariants.ts); these few yield an empty result on
 * the very data they are meant to refuse, because an absent element makes `=` empty
 * (fhirpath.html#equality) and `empty or false` is empty. The Java validator reads that empty
 * result as a failure; the rewrite says the same thing with `exists()` so it comes out false.
 */
export const invariantRewrites: Readonly<Record<string, { readonly expression: string; readonly reason: string }>> = {
  'Questionnaire.item que-13': {
    expression: '(repeats.exists() and repeats = true) or initial.count() <= 1',
    reason: 'an item without `repeats` and with several initial values gives `{} or false`, empty, instead of false',
  },
};
