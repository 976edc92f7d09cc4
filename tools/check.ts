// `npm run check -- [--data-dir D] [--repair] [--json]`: checks that a data directory is
// consistent (issue 16): every version readable and numbered without gaps, each current row equal
// to its latest version, the search index equal to what the stored resources yield, every Binary
// version's bytes present, the Subscription outbox pointing at stored versions and Subscriptions,
// export jobs readable with their files. Exit 0 when clean, 1 when problems remain, 2 on a usage error.
// `--repair` rebuilds the derived data (current rows, search index) from the versions, then checks again.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { checkConsistency, repairDerived, type ConsistencyReport } from '../adapters/embedded/sqlite-consistency';
import { configureConnection } from '../adapters/embedded/sqlite-schema';
import { sqliteSearchIndexWriter } from '../adapters/embedded/sqlite-search-writer';
import { binaryKey } from '../core/interactions/binary-content';
import { extractIndexEntries } from '../core/search/extract';
import { parseLocalConfig } from '../wiring/config';
import { registryFromFiles } from '../wiring/ig-registry';
import { createLogger } from '../wiring/logger';
import { dataDirectory, runTool } from './lib/data-dir';

const USAGE = 'Usage: npm run check -- [--data-dir <dir>] [--repair] [--json]';

function summary(report: ConsistencyReport): string {
  const lines = [`checked ${report.resources} resources, ${report.versions} versions, ${report.indexed} indexed, ${report.binaries} Binary contents`];
  const byKind = new Map<string, number>();
  for (const p of report.problems) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
  if (report.problems.length === 0) lines.push('no problems found');
  else lines.push(`${report.problems.length} problem(s): ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const p of report.problems.slice(0, 50)) {
    lines.push(`  ${p.kind} ${p.tenant ? `[${p.tenant}] ` : ''}${p.resourceType}/${p.id}${p.versionId ? `/_history/${p.versionId}` : ''}: ${p.detail}`);
  }
  if (report.problems.length > 50) lines.push(`  ... and ${report.problems.length - 50} more (--json lists all)`);
  return lines.join('\n');
}

export async function checkMain(args: readonly string[], env: Readonly<Record<string, string | undefined>>, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: [...args], strict: true, options: { 'data-dir': { type: 'string' }, repair: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help === true) {
    out(USAGE);
    return 0;
  }
  const data = dataDirectory(values['data-dir'], env);
  if (!existsSync(data.database)) throw new Error(`No database at ${data.database}\n${USAGE}`);
  const progress = (verb: string) => (done: number): void => {
    if (values.json !== true) process.stderr.write(`${verb} ${done} resources\n`);
  };
  // The index is extracted with the server's own parameters: the R4 ones plus FHIR_IG_PACKAGES'.
  const config = parseLocalConfig(env);
  const registry = registryFromFiles(config.FHIR_IG_PACKAGES, createLogger('silent'));
  const extract = (resource: Parameters<typeof extractIndexEntries>[0]): ReturnType<typeof extractIndexEntries> => extractIndexEntries(resource, registry);
  const options = { extract, binaries: data.binaries, binaryKey, exportFiles: data.exportFiles, onProgress: progress('checked') };
  const db = new BetterSqlite3(data.database, { readonly: values.repair !== true, fileMustExist: true, timeout: 10000 });
  try {
    if (values.repair === true) {
      configureConnection(db, 'FULL');
      sqliteSearchIndexWriter.migrate(db);
    }
    let report = await checkConsistency(db, options);
    if (values.repair === true && report.problems.length > 0) {
      if (values.json !== true) out(`${summary(report)}\nrepairing...`);
      const repaired = repairDerived(db, { extract, onProgress: progress('repaired') });
      if (values.json !== true) out(`restored ${repaired.restoredVersions} versions, rewrote ${repaired.currentRewritten} current rows, reindexed ${repaired.reindexed}, unindexed ${repaired.unindexed}`);
      report = await checkConsistency(db, options);
    }
    out(values.json === true ? JSON.stringify(report) : summary(report));
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    db.close();
  }
}

if (require.main === module) runTool(() => checkMain(process.argv.slice(2), process.env, (line) => console.log(line)));
