// `npm run backup -- <file> [--data-dir D]`: an online, consistent backup of a data directory
// (database and Binary content in one file) while the server runs (issue 16).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backupDataDirectory } from '../adapters/embedded/sqlite-backup';
import { binaryKey } from '../core/interactions/binary-content';
import { dataDirectory, runTool } from './lib/data-dir';

const USAGE = 'Usage: npm run backup -- <file> [--data-dir <dir>]';

export async function backupMain(args: readonly string[], env: Readonly<Record<string, string | undefined>>, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], strict: true, allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
  const [file] = positionals;
  if (file === undefined || positionals.length !== 1) throw new Error(USAGE);
  const data = dataDirectory(values['data-dir'], env);
  const started = Date.now();
  const result = await backupDataDirectory(resolve(file), { database: data.database, binaries: data.binaries, binaryKey });
  out(`backed up ${result.versions} versions and ${result.binaries} Binary contents of ${data.dir} to ${result.file} (${result.bytes} bytes, ${Date.now() - started} ms)`);
  return 0;
}

if (require.main === module) runTool(() => backupMain(process.argv.slice(2), process.env, (line) => console.log(line)));
