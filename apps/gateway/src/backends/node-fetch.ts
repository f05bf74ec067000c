/**
 * The `fetch` the SDK's HTTP client transports use for a backend, on node:http(s) with one
 * keep-alive agent per connection. Measured on the project's machines, undici's fetch cost about
 * twice the CPU per tools/call of this (Request cloning, stream tees, abort wiring); the gateway
 * makes one such request per forwarded call, so it is the hot path.
 *
 * Enough of fetch for the transports: method, headers, a string body, an AbortSignal; no
 * redirects are followed (the transport handles them, and asks for `redirect: 'manual'`). A JSON
 * answer is read whole; an SSE answer (`text/event-stream`) streams.
 */
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

type FetchFunction = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface NodeFetch {
  readonly fetch: FetchFunction;
  /** Closes the kept-alive sockets. */
  close(): void;
}

/** The request headers as a plain object (the transports pass a Headers; building another costs). */
function headersOf(init: RequestInit | undefined): Record<string, string> {
  const given = init?.headers;
  const out: Record<string, string> = {};
  if (given === undefined) return out;
  if (given instanceof Headers) {
    given.forEach((value, key) => {
      out[key] = value;
    });
    return out;
  }
  new Headers(given).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** Response headers as the pairs a Response is built from (no intermediate Headers object). */
function responseHeaders(res: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  const raw = res.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const key = raw[index];
    const value = raw[index + 1];
    if (key !== undefined && value !== undefined) pairs.push([key, value]);
  }
  return pairs;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}

export function createNodeFetch(): NodeFetch {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  const fetch: FetchFunction = (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = typeof input === 'string' ? new URL(input) : input;
      const signal = init?.signal ?? undefined;
      if (signal?.aborted === true) {
        reject(abortError(signal));
        return;
      }
      const body = typeof init?.body === 'string' ? init.body : undefined;
      if (init?.body !== undefined && init.body !== null && body === undefined) {
        reject(new TypeError('this fetch sends string bodies only'));
        return;
      }
      const headers = headersOf(init);
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const secure = url.protocol === 'https:';
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        { method: init?.method ?? 'GET', headers, agent: secure ? https : http },
        (res) => {
          const status = res.statusCode ?? 502;
          const responseInit = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) };
          if (status === 204 || status === 304 || init?.method === 'HEAD') {
            res.resume();
            resolve(new Response(null, responseInit));
            return;
          }
          if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
            resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, responseInit));
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', reject);
          res.once('end', () => {
            resolve(new Response(Buffer.concat(chunks), responseInit));
          });
        },
      );
      const onAbort = () => {
        request.destroy(signal === undefined ? undefined : abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.once('close', () => signal?.removeEventListener('abort', onAbort));
      request.once('error', reject);
      request.end(body);
    });
  return {
    fetch,
    close: () => {
      http.destroy();
      https.destroy();
    },
  };
}
