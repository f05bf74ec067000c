/** Minimal keep-alive JSON client on node:http for the driver processes (no fetch: its overhead varies more). */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  /** From just before the request is written until the whole body has arrived. */
  readonly ms: number;
}

export class JsonClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 4 });

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Readonly<Record<string, string>>,
  ) {}

  call(method: string, path: string, body?: unknown): Promise<JsonResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        `${this.baseUrl}${path}`,
        {
          method,
          agent: this.#agent,
          headers: {
            ...this.headers,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const ms = performance.now() - started;
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: text === '' ? null : JSON.parse(text), ms });
            } catch {
              resolve({ status: res.statusCode ?? 0, body: text, ms });
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
