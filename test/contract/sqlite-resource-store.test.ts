// The ResourceStore contract against the embedded SQLite store, in memory and on a file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteResourceStore } from '../../adapters/embedded/sqlite-store';
import { describeResourceStoreContract } from './resource-store-contract';

describeResourceStoreContract('SQLite in memory', async () => new SqliteResourceStore({ filename: ':memory:' }));

const directory = mkdtempSync(join(tmpdir(), 'fhir-sqlite-contract-'));
let files = 0;
describeResourceStoreContract(
  'SQLite on a file',
  async () => new SqliteResourceStore({ filename: join(directory, `store-${++files}.db`) }),
  async () => rmSync(directory, { recursive: true, force: true }),
);
