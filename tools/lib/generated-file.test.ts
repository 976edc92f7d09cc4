import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runGenerators, type Generator } from './generated-file';

const generator: Generator = () => [{ path: 'out/model.ts', content: '// Generated.\nexport const a = 1;\n' }];

describe('runGenerators', () => {
  let root: string;
  let lines: string[];
  const log = (line: string): void => {
    lines.push(line);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'generate-'));
    lines = [];
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('write mode creates the files and their folders', async () => {
    const code = await runGenerators([generator], { root, check: false, log });
    expect(code).toBe(0);
    expect(readFileSync(path.join(root, 'out/model.ts'), 'utf8')).toBe('// Generated.\nexport const a = 1;\n');
    expect(lines).toEqual(['wrote out/model.ts (34 bytes)']);
  });

  test('check mode passes silently when the committed files are fresh', async () => {
    await runGenerators([generator], { root, check: false, log });
    lines = [];
    expect(await runGenerators([generator], { root, check: true, log })).toBe(0);
    expect(lines).toEqual([]);
  });

  test('check mode fails and names a stale file without rewriting it', async () => {
    await runGenerators([generator], { root, check: false, log });
    writeFileSync(path.join(root, 'out/model.ts'), '// edited by hand\n');
    lines = [];
    expect(await runGenerators([generator], { root, check: true, log })).toBe(1);
    expect(lines[0]).toBe('stale: out/model.ts');
    expect(readFileSync(path.join(root, 'out/model.ts'), 'utf8')).toBe('// edited by hand\n');
  });

  test('check mode fails on a missing file', async () => {
    expect(await runGenerators([generator], { root, check: true, log })).toBe(1);
    expect(lines[0]).toBe('missing: out/model.ts');
  });

  test('async generators are awaited', async () => {
    const later: Generator = async () => [{ path: 'later.txt', content: 'x' }];
    await runGenerators([later], { root, check: false, log });
    expect(readFileSync(path.join(root, 'later.txt'), 'utf8')).toBe('x');
  });
});
