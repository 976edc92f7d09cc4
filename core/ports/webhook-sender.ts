// HTTP delivery of rest-hook notifications (issue 13). The sender connects to `address`, the IP
// the endpoint check accepted, never to a fresh resolution of the host name; it follows no
// redirect and gives up after `timeoutMs`.

export interface WebhookRequest {
  readonly method: 'POST' | 'PUT';
  readonly url: URL;
  /** The checked IP to connect to (the URL's host still goes in Host and TLS SNI). */
  readonly address: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export type WebhookResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly error: string };

export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResult>;
}
