// Connection-level paths of the local server (issue 9, defect 1): every one ends in a response
// or a close within a timeout. Raw `net` sockets, because HTTP client libraries hide exactly
// the behaviour under test.
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { startTestServer, type TestServer } from './local-server';

let server: TestServer;
let sockets: GraphqlWebSocket;
let port: number;

beforeAll(async () => {
  server = await startTestServer({ FHIR_HEADERS_TIMEOUT_MS: '1000', FHIR_REQUEST_TIMEOUT_MS: '1500', FHIR_KEEP_ALIVE_TIMEOUT_MS: '500', FHIR_MAX_BODY_BYTES: '1000' });
  // As `npm start` does: the WebSocket endpoint is what makes Node route upgrades to a listener.
  sockets = attachGraphqlWebSocket(server.running.server, () => server.running.app);
  port = server.running.port;
});

afterAll(async () => {
  await sockets.close();
  await server.stop();
});

interface Exchange {
  readonly text: string;
  /** The server closed the connection (as opposed to the test giving up). */
  readonly closedByServer: boolean;
  readonly elapsedMs: number;
}

/** Opens a socket, runs `drive`, and collects what the server sends until it closes or `giveUpMs` passes. */
function exchange(drive: (socket: Socket) => void, giveUpMs = 5000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closedByServer: false, elapsedMs: Date.now() - started });
    }, giveUpMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closedByServer: true, elapsedMs: Date.now() - started });
    });
    socket.on('connect', () => {
      try {
        drive(socket);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
const statuses = (text: string): number[] => [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));

describe('Upgrade requests that are not a WebSocket endpoint are answered as plain HTTP', () => {
  it('answers GET with Upgrade: h2c (Java HttpClient, curl --http2) instead of hanging', async () => {
    const result = await exchange((s) =>
      s.write('GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n'),
    );
    expect(statusOf(result.text)).toBe(200);
    expect(result.text).toContain('"resourceType":"CapabilityStatement"');
    expect(result.text).not.toMatch(/^HTTP\/1\.1 101/);
  });

  it('answers Upgrade: foo on a path with a body (POST create) and keeps the connection usable', async () => {
    const body = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Upgrade' }] });
    const result = await exchange((s) => {
      s.write(`POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: foo\r\nContent-Type: application/fhir+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      setTimeout(() => s.write('GET /fhir/Patient?family=Upgrade HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'), 200);
    });
    expect(statuses(result.text)).toEqual([201, 200]);
    expect(result.text).toContain('"total":1');
    expect(result.closedByServer).toBe(true);
  });

  it('answers a WebSocket offer on a non-WebSocket path as plain HTTP', async () => {
    const result = await exchange((s) =>
      s.write('GET /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'),
    );
    expect(statusOf(result.text)).toBe(200);
  });

  it('answers a non-WebSocket upgrade on the WebSocket path as plain HTTP', async () => {
    const result = await exchange((s) => s.write('GET /graphql/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'));
    expect(statusOf(result.text)).toBeGreaterThanOrEqual(200);
    expect(statusOf(result.text)).not.toBe(101);
  });

  it('still switches protocols for a real WebSocket client on /graphql', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    const protocol = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => resolve(ws.protocol));
      ws.on('error', reject);
    });
    ws.close();
    expect(protocol).toBe('graphql-transport-ws');
  });
});

describe('every other connection-level path ends in a response or a close', () => {
  it('answers Expect: 100-continue with 100 then the final response', async () => {
    const body = JSON.stringify({ resourceType: 'Patient', active: true });
    const result = await exchange((s) => {
      s.write(`POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Type: application/fhir+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`);
      s.once('data', () => s.write(body));
    });
    expect(statuses(result.text)).toEqual([100, 201]);
  });

  it('answers a body over the limit with 413 and closes instead of reading the rest', async () => {
    const result = await exchange((s) => {
      s.write('POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\nContent-Length: 1000000\r\n\r\n');
      s.write('x'.repeat(2000));
    });
    expect(statusOf(result.text)).toBe(413);
    expect(result.closedByServer).toBe(true);
  });

  it('survives a client that aborts mid-body and keeps serving', async () => {
    await exchange((s) => {
      s.write('POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\nContent-Length: 500\r\n\r\n{"resourceType":');
      setTimeout(() => s.destroy(), 50);
    }, 500);
    const after = await server.request('metadata');
    expect(after.status).toBe(200);
  });

  it('closes a slow client that never finishes its headers (408 within the headers timeout)', async () => {
    const result = await exchange((s) => s.write('GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n'), 5000);
    expect(result.closedByServer).toBe(true);
    expect(statusOf(result.text)).toBe(408);
    expect(result.elapsedMs).toBeLessThan(4000);
  });

  it('closes a slow client that never finishes its body (408 within the request timeout)', async () => {
    const result = await exchange((s) => s.write('POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\nContent-Length: 100\r\n\r\n{'), 6000);
    expect(result.closedByServer).toBe(true);
    expect(statusOf(result.text)).toBe(408);
    expect(result.elapsedMs).toBeLessThan(5000);
  });

  it('closes a connection that sends nothing at all', async () => {
    const result = await exchange(() => undefined, 6000);
    expect(result.closedByServer).toBe(true);
    expect(result.elapsedMs).toBeLessThan(5000);
  });

  it('serves several requests on one keep-alive connection, then closes it when idle', async () => {
    const result = await exchange((s) => {
      s.write('GET /fhir/metadata?_summary=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      setTimeout(() => s.write('GET /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), 100);
    }, 5000);
    expect(statuses(result.text)).toEqual([200, 200]);
    expect(result.closedByServer).toBe(true);
    expect(result.elapsedMs).toBeLessThan(4000);
  });

  it('answers HTTP/1.0 without a Host header and closes', async () => {
    const result = await exchange((s) => s.write('GET /fhir/metadata?_summary=true HTTP/1.0\r\n\r\n'));
    expect(statusOf(result.text)).toBe(200);
    expect(result.closedByServer).toBe(true);
  });

  it('answers a malformed request line with 400 and closes', async () => {
    const result = await exchange((s) => s.write('NOT A REQUEST\r\n\r\n'));
    expect(statusOf(result.text)).toBe(400);
    expect(result.closedByServer).toBe(true);
  });
});
