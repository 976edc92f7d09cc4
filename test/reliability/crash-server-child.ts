// Child process of crash.test.ts: the real local server on a file database, on a free port, until
// the parent kills it (SIGKILL) or goes away (stdin closes). Prints "port <n>" once listening.
// Usage: node --import tsx crash-server-child.ts <data dir>
import { startLocalServer } from '../../local/start';
import { parseLocalConfig } from '../../wiring/config';

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  if (dataDir === undefined) throw new Error('usage: crash-server-child.ts <data dir>');
  const config = parseLocalConfig({ PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent', FHIR_DATA_DIR: dataDir });
  const running = await startLocalServer(config);
  process.stdin.on('end', () => process.exit(2));
  process.stdin.resume();
  process.stdout.write(`port ${running.port}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
