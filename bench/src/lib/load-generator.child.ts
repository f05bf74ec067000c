/**
 * Closed-loop HTTP load generator, in its own process: `connections` keep-alive connections, each
 * sending the next request as soon as the previous response has been read to its end, for a
 * warm-up and then a fixed measured window. Counts the responses that complete inside the window
 * and records each one's latency. Shared by every HTTP throughput benchmark.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

import { serveParent } from './child.js';

export interface LoadRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Responses with another status count as errors (default 200). */
  readonly expectStatus?: number;
}

export interface LoadResult {
  /** Responses completed inside the measured window with the expected status. */
  readonly requests: number;
  readonly errors: number;
  readonly windowMs: number;
  readonly bytes: number;
  /** Latency of each counted response, in ms. */
  readonly latenciesMs: Float64Array;
}

function once(
  agent: Agent,
  url: string,
  headers: Readonly<Record<string, string>>,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function load(spec: LoadRequest): Promise<LoadResult> {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: spec.connections,
    maxFreeSockets: spec.connections,
  });
  const expected = spec.expectStatus ?? 200;
  const begin = performance.now();
  const windowStart = begin + spec.warmupMs;
  const windowEnd = windowStart + spec.durationMs;
  let latencies = new Float64Array(1 << 16);
  let requests = 0;
  let errors = 0;
  let bytes = 0;
  const loop = async () => {
    for (;;) {
      const started = performance.now();
      if (started >= windowEnd) return;
      const outcome = await once(agent, spec.url, spec.headers).catch(() => null);
      const ended = performance.now();
      if (ended < windowStart || ended > windowEnd) continue;
      if (outcome?.status !== expected) {
        errors++;
        continue;
      }
      if (requests === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[requests++] = ended - started;
      bytes += outcome.bytes;
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, loop));
  agent.destroy();
  return { requests, errors, windowMs: spec.durationMs, bytes, latenciesMs: latencies.slice(0, requests) };
}

serveParent<LoadRequest, LoadResult>(load);
