// The HAPI FHIR Java client (strict parser) through the main interactions against a freshly
// started home, with HAPI's instance validator over every response (issue 9, "Make it stay
// fixed"). test/hapi is the Maven project; hapi-harness.ts builds and runs it.
import { startHome, homeUnderTest, type RunningHome } from '../http/homes';
import { describeErrors, hapiAvailable, runHapiHarness, type InteractionsReport } from './hapi-harness';

/**
 * The steps the harness runs (Interactions.java, JdkHttpChecks.java), in order. `open` names the
 * issue 9 defect that still fails the step: jest's test.failing keeps the suite green while it
 * is open and turns red the moment it is fixed, so the marker is removed with the fix.
 */
const STEPS: readonly { readonly name: string; readonly open?: string }[] = [
  { name: 'JDK HttpClient defaults (Upgrade: h2c): metadata' },
  { name: 'JDK HttpClient defaults (Upgrade: h2c): search' },
  { name: 'JDK HttpClient defaults (Upgrade: h2c): read of a missing Patient is 404' },
  { name: 'metadata' },
  { name: 'create' },
  { name: 'read' },
  { name: 'update' },
  { name: 'vread' },
  { name: 'patch (JSON Patch)' },
  { name: 'patch (FHIRPath Patch: add to an absent repeating element)' },
  { name: 'conditional create (If-None-Exist, as the HAPI client sends it)' },
  { name: 'search with paging' },
  { name: 'history (instance and type)' },
  { name: 'batch' },
  { name: 'transaction (urn:uuid references)' },
  { name: '$validate' },
  { name: 'Binary (create and read)' },
  { name: 'delete, then read is 410 Gone' },
  { name: 'read of an unknown id is 404 with an OperationOutcome' },
];

const home = homeUnderTest();
const describeIfJava = hapiAvailable('HAPI FHIR client and validator') ? describe : describe.skip;

describeIfJava(`HAPI FHIR ${home} home: generic client, strict parser, instance validator`, () => {
  let running: RunningHome;
  let report: InteractionsReport;
  beforeAll(async () => {
    running = await startHome(home);
    try {
      report = await runHapiHarness<InteractionsReport>(['interactions', running.base, running.token({ groups: ['practitioner'] })]);
    } catch (error) {
      await running.stop();
      throw error;
    }
  }, 1_800_000);
  afterAll(async () => {
    await running?.stop();
  }, 30_000);

  test('the harness ran every step it is expected to', () => {
    expect(report.steps.map((s) => s.name)).toEqual(STEPS.map((s) => s.name));
  });

  for (const step of STEPS) {
    const body = (): void => {
      const result = report.steps.find((s) => s.name === step.name);
      expect(result).toBeDefined();
      if (!result?.ok) throw new Error(`${step.name}: ${result?.detail}`);
    };
    if (step.open === undefined) test(step.name, body);
    else test.failing(`${step.name} (open: issue 9 ${step.open})`, body);
  }

  test('the harness validated every response it received', () => {
    expect(report.exchanges.length).toBeGreaterThanOrEqual(30);
    expect(report.exchanges.every((e) => e.status >= 200 && e.status < 600)).toBe(true);
  });

  test('the CapabilityStatement validates against R4 with no errors', () => {
    expect(describeErrors(report.exchanges.filter((e) => e.url.endsWith('/metadata')))).toEqual([]);
  });

  test('every other response validates against R4 with no errors (HAPI instance validator)', () => {
    expect(describeErrors(report.exchanges.filter((e) => !e.url.endsWith('/metadata')))).toEqual([]);
  });
});
