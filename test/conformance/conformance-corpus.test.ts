// The conformance corpus with HAPI's instance validator as the oracle (issue 9, "Make it stay
// fixed"): for each valid and invalid R4 resource of corpus-cases.ts, the server's verdicts
// (POST [type]: 201 or 4xx; [type]/$validate: error issues or none) must agree with HAPI's
// (error/fatal messages or none). A disagreement is a failure.
import { hapiAvailable, type HapiProblem } from '../hapi/hapi-harness';
import { homeUnderTest, startHome, type RunningHome } from '../http/homes';
import { corpus, type CorpusCase } from './corpus-cases';
import { disagreements, hapiVerdicts, serverVerdicts, type CaseVerdicts } from './corpus-run';

/**
 * Invalid cases the server still accepts, by the rule they cover, each with the reason. jest's
 * test.failing keeps them visible and turns red once the server rejects them, so an entry is
 * removed with the fix. Valid cases are never listed: the server must accept all of them.
 */
const OPEN: Readonly<Record<string, string>> = {};

/** Single invalid cases the server still accepts, by case name, with the reason. */
const OPEN_CASES: Readonly<Record<string, string>> = {};

/** The open reason for an invalid case, if any. */
function openReason(c: CorpusCase): string | undefined {
  if (c.intent !== 'invalid') return undefined;
  return OPEN_CASES[c.name] ?? OPEN[c.covers];
}

const home = homeUnderTest();
const describeIfJava = hapiAvailable('conformance corpus (HAPI validator as oracle)') ? describe : describe.skip;

describeIfJava(`conformance corpus on the ${home} home, HAPI's validator as the oracle`, () => {
  let running: RunningHome;
  const verdicts = new Map<string, CaseVerdicts>();
  let hapi: Map<string, readonly HapiProblem[]>;

  beforeAll(async () => {
    hapi = await hapiVerdicts(corpus);
    running = await startHome(home);
    try {
      const token = running.token({ groups: ['practitioner'] });
      for (const c of corpus) verdicts.set(c.name, await serverVerdicts(running.base, token, c, hapi.get(c.name) ?? []));
    } catch (error) {
      await running.stop();
      throw error;
    }
  }, 1_800_000);
  afterAll(async () => {
    await running?.stop();
  }, 30_000);

  test('the corpus has at least 200 cases, valid and invalid, covering every rule class of issue 9', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    const covered = new Set(corpus.filter((c) => c.intent === 'invalid').map((c) => c.covers));
    for (const rule of ['ele-1', 'dom-2', 'dom-3', 'dom-4', 'dom-5', 'ext-1', 'pat-1', 'obs-6', 'obs-7', 'con-4', 'org-1', 'per-1', 'qty-3', 'ref-1', 'cardinality', 'type', 'format-date', 'format-dateTime', 'binding']) {
      expect(covered).toContain(rule);
    }
    expect(corpus.filter((c) => c.intent === 'valid').length).toBeGreaterThanOrEqual(50);
  });

  test("HAPI's verdict is the one each case was written for (the corpus is what it says)", () => {
    const wrong = corpus.filter((c) => (hapi.get(c.name) ?? []).length > 0 !== (c.intent === 'invalid'));
    expect(wrong.map((c) => `${c.name}: HAPI says ${(hapi.get(c.name) ?? []).map((e) => e.message).join(' | ') || 'valid'}`)).toEqual([]);
    expect(hapi.size).toBe(corpus.length);
  });

  for (const c of corpus) {
    const open = openReason(c);
    const body = (): void => {
      const verdict = verdicts.get(c.name);
      expect(verdict).toBeDefined();
      expect(verdict ? disagreements(verdict) : ['no verdict']).toEqual([]);
    };
    if (open === undefined) test(`${c.name} (${c.covers}): server and HAPI agree`, body);
    else test.failing(`${c.name} (${c.covers}): server and HAPI agree (open: ${open})`, body);
  }
});
