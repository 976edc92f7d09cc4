import type { IncomingMessage } from 'node:http';

/** node:http headers as the front door takes them: lower-case names, repeated values joined. */
export function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}
