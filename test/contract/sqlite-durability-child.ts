// Child process of sqlite-durability.test.ts: commits to a file database and prints "ack <n>"
// after each commit resolves, until the parent kills it with SIGKILL. It stops by itself when
// the parent goes away (stdin or stdout closes) or after a bounded run, so a failed test never
// leaves it filling the disk.
// Usage: node --import tsx sqlite-durability-child.ts <filename> <FULL|NORMAL>
import { SqliteResourceStore } from '../../adapters/embedded/sqlite-store';
import type { WriteOperation } from '../../core/ports/resource-store';

function create(id: string, lastUpdated: string): WriteOperation {
  return { resourceType: 'Patient', id, expectedVersionId: null, versionId: '1', lastUpdated, resource: { resourceType: 'Patient', id }, index: [] };
}

async function main(): Promise<void> {
  const [filename, synchronous] = process.argv.slice(2);
  if (filename === undefined || (synchronous !== 'FULL' && synchronous !== 'NORMAL')) throw new Error('usage: <filename> <FULL|NORMAL>');
  const store = new SqliteResourceStore({ filename, synchronous });
  process.stdout.on('error', () => process.exit(2));
  process.stdin.on('end', () => process.exit(2));
  process.stdin.resume();
  const deadline = Date.now() + 30_000;
  for (let n = 0; n < 50_000 && Date.now() < deadline; n++) {
    const lastUpdated = new Date(Date.UTC(2024, 0, 1) + n).toISOString();
    // Each commit creates one resource and writes the next version of a counter; every tenth
    // commit also carries 100 more creates, so large commits are acknowledged too.
    const writes: WriteOperation[] = [
      create(`p${n}`, lastUpdated),
      { ...create('counter', lastUpdated), expectedVersionId: n === 0 ? null : String(n), versionId: String(n + 1) },
    ];
    if (n % 10 === 0) for (let i = 0; i < 100; i++) writes.push(create(`bulk${n}-${i}`, lastUpdated));
    await store.commit('t1', writes);
    // Writes to a pipe are synchronous on Linux: once this returns, the parent can read it.
    process.stdout.write(`ack ${n}\n`);
    // Lets the events above (a closed pipe) be handled between commits.
    await new Promise((resolve) => setImmediate(resolve));
  }
  process.exit(3);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
