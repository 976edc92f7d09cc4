// Runs a resolver's APPSYNC_JS code as AppSync would, for what the stack's resolvers use:
// `util.error`, `util.unauthorized`, `extensions.setSubscriptionFilter`. A deployed AppSync is
// the one part that cannot run here (HELPERS.md: mocks only for what cannot run), so this is the
// smallest faithful stand-in: the code itself is the synthesized template's, run unchanged
// apart from its one import line. Enhanced filters are evaluated with AppSync's documented
// semantics: filters in a filterGroup are ORed, the rules of a filter ANDed
// (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html).
import { runInNewContext } from 'node:vm';

export class AppSyncJsError extends Error {
  constructor(message: string, readonly type: string | undefined) {
    super(message);
    this.name = 'AppSyncJsError';
  }
}

export interface ResolverCode {
  request(ctx: Record<string, unknown>): unknown;
  /** The response's return value and the filter it set, if any. */
  response(ctx: Record<string, unknown>): { value: unknown; filter: unknown };
}

const IMPORT_LINE = /^import \{ util, extensions \} from '@aws-appsync\/utils';$/m;

export function loadResolverCode(code: string): ResolverCode {
  let filter: unknown;
  const util = {
    error: (message: string, type?: string): never => {
      throw new AppSyncJsError(message, type);
    },
    unauthorized: (): never => {
      throw new AppSyncJsError('Unauthorized', 'Unauthorized');
    },
  };
  const extensions = { setSubscriptionFilter: (value: unknown): void => void (filter = value) };
  const body = code.replace(IMPORT_LINE, '').replace(/^export function /gm, 'function ');
  const exported = runInNewContext(`${body}\n({ request, response });`, { util, extensions }) as { request(ctx: unknown): unknown; response(ctx: unknown): unknown };
  return {
    request: (ctx) => exported.request(ctx),
    response: (ctx) => {
      filter = undefined;
      const value = exported.response(ctx);
      return { value, filter };
    },
  };
}

interface Rule {
  readonly fieldName: string;
  readonly operator: string;
  readonly value: unknown;
}

function holds(rule: Rule, payload: Readonly<Record<string, unknown>>): boolean {
  const actual = payload[rule.fieldName];
  switch (rule.operator) {
    case 'eq':
      return actual === rule.value;
    case 'containsAny':
      return Array.isArray(actual) && Array.isArray(rule.value) && rule.value.some((candidate) => actual.includes(candidate));
    default:
      throw new Error(`filter operator ${rule.operator} is not used by this stack`);
  }
}

/** Whether AppSync would deliver `payload` (the publish mutation's result) under `filter`. */
export function delivered(filter: unknown, payload: Readonly<Record<string, unknown>>): boolean {
  const groups = (filter as { filterGroup?: { filters: Rule[] }[] } | undefined)?.filterGroup;
  if (!Array.isArray(groups) || groups.length === 0) throw new Error(`not an enhanced filter: ${JSON.stringify(filter)}`);
  return groups.some((group) => group.filters.every((rule) => holds(rule, payload)));
}
