// WebhookSender over node:http(s) (issue 13), for both homes: it connects to the address the
// endpoint check accepted (a `lookup` that answers only that address, so a second DNS answer
// cannot redirect the connection), keeps the URL's host for Host and TLS SNI, follows no
// redirect (a 3xx is a failed delivery) and gives up after the timeout.
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { WebhookRequest, WebhookResult, WebhookSender } from '../../core/ports/webhook-sender';

const USER_AGENT = 'fhir-gateway-subscriptions/1';

export const nodeWebhookSender: WebhookSender = {
  send: (request) => send(request),
};

function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address) === 6 ? 6 : 4;
  return (_hostname, options, callback) => {
    if (typeof options === 'object' && options.all === true) {
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    } else {
      callback(null, address, family);
    }
  };
}

function send(request: WebhookRequest): Promise<WebhookResult> {
  return new Promise((resolve) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const options: RequestOptions = {
      method: request.method,
      lookup: pinnedLookup(request.address),
      headers: { 'user-agent': USER_AGENT, ...request.headers, 'content-length': String(body?.length ?? 0) },
      timeout: request.timeoutMs,
      agent: false,
    };
    const started = request.url.protocol === 'https:' ? httpsRequest(request.url, options) : httpRequest(request.url, options);
    let settled = false;
    const finish = (result: WebhookResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    // The socket timeout is an idle timeout; this bounds the whole exchange.
    const deadline = setTimeout(() => {
      started.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    started.on('timeout', () => started.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
    started.on('error', (error) => finish({ ok: false, error: error.message }));
    started.on('response', (response) => {
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        finish(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `HTTP ${status}` });
      });
      response.on('error', (error) => finish({ ok: false, error: error.message }));
    });
    started.end(body);
  });
}
