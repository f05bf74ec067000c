/**
 * MCP tools/call load generator, in its own process. The same minimal JSON-RPC client drives every
 * target, so whatever it costs is paid on both sides of a comparison:
 * - `http`: POST <url> (MCP streamable HTTP, 2025-06-18) over keep-alive sockets, after an
 *   initialize per endpoint and token (keeping the session when the server gives one); the answer
 *   may be JSON or one SSE `message` event;
 * - `stdio`: a server process it starts itself (initialize, then newline-delimited JSON-RPC).
 * Modes: `rate` sends at a fixed rate whatever the answers do (open loop: latency is from the
 * request's start to its answer), `closed` keeps `concurrency` calls in flight (saturation).
 * Every answer is checked: it must be a result whose text contains the call's `expect`.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

import { serveParent } from '../lib/child.js';

export type LoadTarget =
  | { readonly kind: 'http'; readonly url: string; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly kind: 'stdio';
      readonly command: string;
      readonly args: readonly string[];
      readonly env: Readonly<Record<string, string>>;
    };

/** One kind of call; a load rotates over its calls (e.g. many agents' endpoints and tokens). */
export interface LoadCall {
  /** Overrides the HTTP target's URL and headers (another agent's endpoint and token). */
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tool: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** Text the answer must contain. */
  readonly expect: string;
}

export interface McpLoadRequest {
  readonly target: LoadTarget;
  readonly mode: 'rate' | 'closed';
  /** Calls per second (rate mode). */
  readonly rate?: number;
  /** Calls in flight (closed mode); sockets at most (both). */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly calls: readonly LoadCall[];
}

export interface McpLoadResult {
  /** Calls answered correctly inside the measured window. */
  readonly calls: number;
  /** Every call answered, warm-up included (to divide the server's CPU time by). */
  readonly answered: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly windowMs: number;
  readonly latenciesMs: Float64Array;
}

interface Caller {
  call(id: number, body: string, call: LoadCall): Promise<string>;
  close(): void;
}

function httpCaller(
  target: Extract<LoadTarget, { kind: 'http' }>,
  sockets: number,
): Caller & {
  connect(calls: readonly LoadCall[]): Promise<void>;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const base = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-06-18',
    ...target.headers,
  };
  /** Per endpoint and token: the session the server gave at initialize, if it keeps sessions. */
  const sessions = new Map<string, string | null>();
  const keyOf = (call: LoadCall) => `${call.url ?? target.url}\u0000${call.headers?.authorization ?? ''}`;
  const post = (call: LoadCall, body: string, extra: Record<string, string>) =>
    new Promise<{ text: string; session: string | null }>((resolve, reject) => {
      const req = request(
        call.url ?? target.url,
        {
          method: 'POST',
          agent,
          headers: { ...base, ...call.headers, ...extra, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const session = res.headers['mcp-session-id'];
            if (res.statusCode !== 200 && res.statusCode !== 202)
              reject(new Error(`HTTP ${String(res.statusCode)}: ${text.slice(0, 200)}`));
            else resolve({ text, session: typeof session === 'string' ? session : null });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const sessionHeader = (call: LoadCall): Record<string, string> => {
    const session = sessions.get(keyOf(call));
    return session === null || session === undefined ? {} : { 'mcp-session-id': session };
  };
  return {
    /** initialize + notifications/initialized once per endpoint and token, as a client connecting does. */
    async connect(calls) {
      for (const call of calls) {
        const key = keyOf(call);
        if (sessions.has(key)) continue;
        const { session } = await post(
          call,
          JSON.stringify({
            jsonrpc: '2.0',
            id: 0,
            method: 'initialize',
            params: {
              protocolVersion: '2025-06-18',
              capabilities: {},
              clientInfo: { name: 'bench', version: '1' },
            },
          }),
          {},
        );
        sessions.set(key, session);
        await post(
          call,
          JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
          sessionHeader(call),
        );
      }
    },
    call: async (_id, body, call) => (await post(call, body, sessionHeader(call))).text,
    close: () => {
      agent.destroy();
    },
  };
}

async function stdioCaller(target: Extract<LoadTarget, { kind: 'stdio' }>): Promise<Caller> {
  const child: ChildProcessWithoutNullStreams = spawn(target.command, [...target.args], {
    env: { ...target.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const pending = new Map<number, (line: string) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = /"id":(\d+)/.exec(line);
    const id = match?.[1] === undefined ? null : Number(match[1]);
    if (id === null) return;
    const resolve = pending.get(id);
    pending.delete(id);
    resolve?.(line);
  });
  const send = (id: number, body: string) =>
    new Promise<string>((resolve) => {
      pending.set(id, resolve);
      child.stdin.write(`${body}\n`);
    });
  await send(
    0,
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench', version: '1' },
      },
    }),
  );
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  return {
    call: send,
    close: () => {
      child.kill('SIGKILL');
    },
  };
}

function check(answer: string, expected: string): string | null {
  const json = answer.startsWith('{') ? answer : (/^data: (.*)$/m.exec(answer)?.[1] ?? '');
  if (json.includes('"error"') || !json.includes('"result"')) return `not a result: ${answer.slice(0, 300)}`;
  if (!json.includes(expected)) return `unexpected answer: ${answer.slice(0, 300)}`;
  return null;
}

async function load(spec: McpLoadRequest): Promise<McpLoadResult> {
  let caller: Caller;
  if (spec.target.kind === 'http') {
    const http = httpCaller(spec.target, spec.concurrency);
    await http.connect(spec.calls);
    caller = http;
  } else {
    caller = await stdioCaller(spec.target);
  }
  let nextId = 1;
  const begin = performance.now();
  const windowStart = begin + spec.warmupMs;
  const windowEnd = windowStart + spec.durationMs;
  let latencies = new Float64Array(1 << 16);
  let calls = 0;
  let answered = 0;
  let errors = 0;
  let firstError: string | null = null;

  const one = async () => {
    const id = nextId++;
    const call = spec.calls[id % spec.calls.length];
    if (call === undefined) throw new Error('no calls to make');
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: call.tool, arguments: call.arguments },
    });
    const started = performance.now();
    let problem: string | null;
    try {
      problem = check(await caller.call(id, body, call), call.expect);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    const ended = performance.now();
    answered++;
    if (started < windowStart || ended > windowEnd) return;
    if (problem !== null) {
      errors++;
      firstError ??= problem;
      return;
    }
    if (calls === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[calls++] = ended - started;
  };

  if (spec.mode === 'closed') {
    const loop = async () => {
      while (performance.now() < windowEnd) await one();
    };
    await Promise.all(Array.from({ length: spec.concurrency }, loop));
  } else {
    const interval = 1000 / (spec.rate ?? 100);
    const inflight = new Set<Promise<void>>();
    let due = begin;
    while (due < windowEnd) {
      const now = performance.now();
      while (due <= now && due < windowEnd) {
        const call = one().finally(() => inflight.delete(call));
        inflight.add(call);
        due += interval;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(1, due - performance.now()))));
    }
    await Promise.all(inflight);
  }
  caller.close();
  return {
    calls,
    answered,
    errors,
    firstError,
    windowMs: spec.durationMs,
    latenciesMs: latencies.slice(0, calls),
  };
}

serveParent<McpLoadRequest, McpLoadResult>(load);
