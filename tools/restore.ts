// `npm run restore -- <file> [--data-dir D] [--force]`: restores a backup made by `npm run backup`
// into a data directory (issue 16). The server must be stopped; an existing database is replaced
// only with --force. Run `npm run check` afterwards to see it whole.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { restoreDataDirectory } from '../adapters/embedded/sqlite-backup';
import { dataDirectory, runTool } from './lib/data-dir';

const USAGE = 'Usage: npm run restore -- <file> [--data-dir <dir>] [--force]   (stop the server first)';

export async function restoreMain(args: readonly string[], env: Readonly<Record<string, string | undefined>>, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], strict: true, allowPositionals: true, options: { 'data-dir': { type: 'string' }, force: { type: 'boolean' } } });
  const [file] = positionals;
  if (file === undefined || positionals.length !== 1) throw new Error(USAGE);
  const data = dataDirectory(values['data-dir'], env);
  const result = await restoreDataDirectory(resolve(file), { dataDir: data.dir, binaries: data.binaries, force: values.force === true });
  out(`restored ${result.versions} versions and ${result.binaries} Binary contents into ${data.dir}`);
  return 0;
}

if (require.main === module) runTool(() => restoreMain(process.argv.slice(2), process.env, (line) => console.log(line)));
