// Reads config/access-policy.json (or the file the user points at) for wiring, with one clear
// error for a missing file, bad JSON or a rule that does not validate.
import { readFileSync } from 'node:fs';
import { AccessPolicyConfigError, parseAccessPolicyConfig, type AccessPolicyConfig } from '../../core/authz/access-policy-config';

export function loadAccessPolicyConfigFile(path: string): AccessPolicyConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AccessPolicyConfigError(path, [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw new AccessPolicyConfigError(path, [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseAccessPolicyConfig(json, path);
}
