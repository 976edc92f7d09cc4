// `npm run generate-data -- --patients N [--out DIR] [--format ndjson|bundle] [--seed S]`:
// writes a deterministic synthetic data set (tools/synthetic/) for imports, exports and benchmarks.
//   ndjson: one FHIR NDJSON file per resource type (Bulk Data "Flat FHIR" shape), ids included;
//   bundle: hospitalInformation.json (shared providers) and one Synthea-style transaction Bundle per patient.
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { patientBundle, providersBundle } from './synthetic/to-bundle';
import { providers, syntheticPatients } from './synthetic/synthetic-patients';

export interface GenerateDataOptions {
  readonly patients: number;
  readonly out: string;
  readonly format: 'ndjson' | 'bundle';
  readonly seed: number;
}

/** Writes the data set; returns the number of resources per type. */
export async function generateData(options: GenerateDataOptions): Promise<Record<string, number>> {
  mkdirSync(options.out, { recursive: true });
  const counts: Record<string, number> = {};
  const shared = providers(options.seed);
  const count = (type: string): void => {
    counts[type] = (counts[type] ?? 0) + 1;
  };
  if (options.format === 'bundle') {
    writeFileSync(join(options.out, 'hospitalInformation.json'), JSON.stringify(providersBundle(shared)));
    shared.forEach((r) => count(r.resourceType));
    let n = 0;
    for (const record of syntheticPatients({ patients: options.patients, seed: options.seed })) {
      n += 1;
      writeFileSync(join(options.out, `patient-${String(n).padStart(6, '0')}.json`), JSON.stringify(patientBundle(record, shared)));
      [record.patient, ...record.resources].forEach((r) => count(r.resourceType));
    }
    return counts;
  }
  const streams = new Map<string, WriteStream>();
  const write = async (text: string, type: string): Promise<void> => {
    let stream = streams.get(type);
    if (stream === undefined) {
      stream = createWriteStream(join(options.out, `${type}.ndjson`));
      streams.set(type, stream);
    }
    count(type);
    if (!stream.write(`${text}\n`)) await new Promise<void>((done) => stream.once('drain', () => done()));
  };
  for (const r of shared) await write(JSON.stringify(r), r.resourceType);
  for (const record of syntheticPatients({ patients: options.patients, seed: options.seed })) {
    for (const r of [record.patient, ...record.resources]) await write(JSON.stringify(r), r.resourceType);
  }
  await Promise.all([...streams.values()].map((s) => new Promise<void>((done) => s.end(() => done()))));
  return counts;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { patients: { type: 'string' }, out: { type: 'string', default: './synthetic-data' }, format: { type: 'string', default: 'ndjson' }, seed: { type: 'string', default: '1' } },
  });
  const patients = Number(values.patients);
  if (!Number.isInteger(patients) || patients < 1 || (values.format !== 'ndjson' && values.format !== 'bundle')) {
    console.error('usage: npm run generate-data -- --patients N [--out DIR] [--format ndjson|bundle] [--seed S]');
    process.exit(2);
  }
  const out = resolve(values.out);
  const counts = await generateData({ patients, out, format: values.format, seed: Number(values.seed) });
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`wrote ${total} resources to ${out} (${values.format}): ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')}`);
}

if (require.main === module) void main();
