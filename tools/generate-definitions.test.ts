import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FHIR_MODEL_PATH, generateDefinitions } from './generate-definitions';

const root = path.resolve(__dirname, '..');

describe('generateDefinitions', () => {
  const files = generateDefinitions(root);

  test('produces only the type model', () => {
    expect(files.map((file) => file.path)).toEqual([FHIR_MODEL_PATH]);
  });

  test('matches the committed core/generated/fhir-model.ts (run npm run generate if not)', () => {
    expect(files[0]?.content === readFileSync(path.join(root, FHIR_MODEL_PATH), 'utf8')).toBe(true);
  });

  test('is deterministic', () => {
    expect(generateDefinitions(root)[0]?.content === files[0]?.content).toBe(true);
  });
});
