import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { handleHttp } from '../core/http/front-door';
import type { FhirResponse } from '../core/request';
import { corsHeaders, parseCorsOrigins, preflightResponse } from '../rest/cors';
import type { LocalApp } from '../wiring/local';
import { headersOf } from '../rest/node-headers';
import { createAdmissionGate, type AdmissionLimits, type Refusal } from './admission';

/** Extra routes mounted beside the FHIR REST API (GraphQL, discovery documents). */
export type ExtraRoute = (req: IncomingMessage, url: URL, body: string) => Promise<FhirResponse | undefined>;

export const FHIR_MOUNT = '/fhir';

export class BodyTooLargeError extends Error {}
/** The client went away before its body was complete: there is nobody left to answer. */
export class BodyAbortedError extends Error {}

/** Reads the body, refusing more than `limit` bytes without buffering the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new BodyAbortedError()));
    // 'close' before 'end' is an aborted body (the socket closed mid-request).
    req.on('close', () => {
      if (!req.complete) reject(new BodyAbortedError());
    });
  });
}

/** Connection-level time limits (issue 9, defect 1): every connection ends in a response or a close. */
export interface ConnectionTimeouts {
  /** Whole request head must arrive within this (408 and close otherwise). */
  readonly headersTimeoutMs: number;
  /** Whole request, body included, must arrive within this (408 and close otherwise). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
}

/** Every bound the transport puts on a client (issue 16, "Overload" and "Limits"). */
export interface TransportLimits extends ConnectionTimeouts {
  readonly maxConnections: number;
  readonly maxHeaderBytes: number;
  readonly maxUrlLength: number;
  /** Reads (GET and HEAD) and writes (everything else) queue apart, so a write burst cannot starve reads. */
  readonly reads: AdmissionLimits;
  readonly writes: AdmissionLimits;
}

/** Probes must get through an overloaded server: they are never queued. */
const UNGATED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

function send(res: ServerResponse, response: FhirResponse): void {
  res.writeHead(response.status, response.headers);
  if (response.stream === undefined) {
    res.end(response.body);
    return;
  }
  // A Bulk Data file: streamed, never held in memory.
  pipeline(Readable.from(response.stream()), res).catch(() => res.destroy());
}

const outcome = (status: number, code: string, diagnostics: string, headers: Record<string, string> = {}): FhirResponse => ({
  status,
  headers: { 'content-type': 'application/fhir+json; charset=utf-8', ...headers },
  body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] }),
});

const tooLarge = (limit: number): FhirResponse => outcome(413, 'too-costly', `The request body is larger than ${limit} bytes`);

const overloaded = (refusal: Refusal, kind: 'read' | 'write'): FhirResponse =>
  outcome(
    503,
    'transient',
    refusal === 'queue-full'
      ? `The server is at capacity for ${kind}s and its queue is full; retry after the time in Retry-After`
      : `The ${kind} waited too long for capacity (FHIR_QUEUE_TIMEOUT_MS); retry after the time in Retry-After`,
    { 'retry-after': '1' },
  );

interface SocketWithResponse {
  readonly _httpMessage?: { readonly headersSent?: boolean } | null;
}

/**
 * Answers a request Node's parser refused (head too large, malformed, too slow) with an
 * OperationOutcome instead of Node's empty default, then closes: the socket's state is unknown.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, maxHeaderBytes: number): void {
  if (error.code === 'ECONNRESET' || !socket.writable || (socket as unknown as SocketWithResponse)._httpMessage?.headersSent === true) {
    socket.destroy();
    return;
  }
  const [status, code, diagnostics] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'too-costly', `The request line and headers are larger than ${maxHeaderBytes} bytes (FHIR_MAX_HEADER_BYTES)`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_HEADERS_TIMEOUT'
        ? [408, 'timeout', 'The request did not arrive in time']
        : [400, 'structure', `The request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`];
  const body = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/fhir+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The local server: a thin translation from node:http to the core's front door. */
export function createHttpServer(getApp: () => LocalApp, extraRoutes: readonly ExtraRoute[] = [], limits: TransportLimits): Server {
  const gates = { read: createAdmissionGate(limits.reads), write: createAdmissionGate(limits.writes) };
  const server = createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above on this interval (30 s by default), so a short limit
    // needs a matching check; never more often than every 250 ms.
    connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 4))),
  }, (req, res) => {
    let app: LocalApp;
    try {
      app = getApp();
    } catch {
      // Listening starts before the store is opened and migrated (port 0 must be known first):
      // until then every request, /readyz included, is told to come back.
      send(res, { status: 503, headers: { 'content-type': 'application/health+json; charset=utf-8', 'retry-after': '1' }, body: JSON.stringify({ status: 'fail', output: 'starting' }) });
      return;
    }
    const limit = app.deps.config.maxBodyBytes;
    const cors = parseCorsOrigins(app.config.FHIR_CORS_ORIGINS);
    const requestHeaders = headersOf(req);
    const preflight = preflightResponse(cors, req.method ?? 'GET', requestHeaders);
    if (preflight) {
      send(res, preflight);
      return;
    }
    for (const [name, value] of Object.entries(corsHeaders(cors, requestHeaders['origin']))) res.setHeader(name, value);
    const correlationId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 100) : randomUUID();
    res.setHeader('x-request-id', correlationId);
    const route = async (url: URL, bytes: Buffer): Promise<void> => {
      const body = bytes.toString('utf8');
      for (const extra of extraRoutes) {
        const response = await extra(req, url, body);
        if (response) return send(res, response);
      }
      if (url.pathname === FHIR_MOUNT || url.pathname.startsWith(`${FHIR_MOUNT}/`)) {
        const response = await handleHttp(app.door, {
          method: req.method ?? 'GET',
          path: url.pathname.slice(FHIR_MOUNT.length),
          rawQuery: url.search.replace(/^\?/, ''),
          headers: requestHeaders,
          body,
          bytes,
          rootUrl: app.rootUrl,
          correlationId,
          ...(req.socket.remoteAddress !== undefined ? { sourceIp: req.socket.remoteAddress } : {}),
        });
        return send(res, response);
      }
      return send(res, outcome(404, 'not-found', `Nothing at ${url.pathname}; the FHIR API is at ${app.rootUrl}`));
    };
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://local');
      let bytes: Buffer;
      try {
        bytes = await readBody(req, limit);
      } catch (error) {
        if (error instanceof BodyAbortedError) return;
        if (error instanceof BodyTooLargeError) {
          // The rest of the body is not read: close rather than drain it on a kept-alive socket.
          res.setHeader('connection', 'close');
          return send(res, tooLarge(limit));
        }
        throw error;
      }
      if ((req.url ?? '').length > limits.maxUrlLength) {
        return send(res, outcome(414, 'too-costly', `The request target is longer than ${limits.maxUrlLength} characters (FHIR_MAX_URL_LENGTH); send a long search as POST [type]/_search`));
      }
      const kind = req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write';
      const admitted = UNGATED_PATHS.has(url.pathname) ? () => undefined : await gates[kind].enter();
      if (typeof admitted === 'string') return send(res, overloaded(admitted, kind));
      try {
        return await route(url, bytes);
      } finally {
        admitted();
      }
    })().catch((error: unknown) => {
      app.deps.log.error('unhandled transport error', { correlationId, error: String(error) });
      if (!res.headersSent) send(res, { status: 500, headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: `An unexpected error occurred (correlation id ${correlationId})` }] }) });
      else res.end();
    });
  });
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, limits.maxHeaderBytes));
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
