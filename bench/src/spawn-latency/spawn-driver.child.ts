/**
 * The HTTP side of the spawn benchmark, in its own process: POST /api/v1/agents and time it; also
 * time when the `agent.started` event arrives on /api/v1/watch (SSE) and, if the answer was not
 * `running`, when GET /api/v1/agents/:name first shows it running. DELETE cleans up.
 */
import { request, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';

import { serveParent } from '../lib/child.js';
import { JsonClient } from '../lib/http-client.js';

export type DriverRequest =
  | { readonly op: 'init'; readonly url: string; readonly token: string }
  | { readonly op: 'spawn'; readonly name: string; readonly command: readonly string[] }
  | { readonly op: 'kill'; readonly name: string };

export interface SpawnTiming {
  /** POST answered (the control plane answers once the agent is Running when a slot is free). */
  readonly responseMs: number;
  /** The status the POST answered with. */
  readonly status: string;
  /** Until the agent was seen running: responseMs when it answered `running`, else GET polling. */
  readonly runningMs: number;
  /** Until the `agent.started` event arrived on the SSE watch stream. */
  readonly eventMs: number;
  /**
   * Where the time went, from the events' own timestamps (the control plane's clock, ms): POST
   * sent → `agent.queued` (request, the checks, `git worktree add` started, agent row: the row is
   * written while git works), → `agent.started` (the rest of the worktree, with the mission claim
   * and run row written meanwhile; run files, process start), → answer received (reply).
   */
  readonly split: { readonly toQueued: number; readonly toStarted: number; readonly toAnswer: number };
}

export interface KillResult {
  readonly ms: number;
  readonly httpStatus: number;
  readonly status: string;
}

const EVENT_TIMEOUT_MS = 15_000;

let client: JsonClient | null = null;
let watch: IncomingMessage | null = null;
const startedAt = new Map<string, number>();
/** Event timestamps (epoch ms) by agent and action. */
const eventTs = new Map<string, Partial<Record<'agent.queued' | 'agent.started', number>>>();
const eventWaiters = new Map<string, (at: number) => void>();

function statusOf(body: unknown): string {
  return typeof body === 'object' && body !== null && 'status' in body ? String(body.status) : '?';
}

function onEvent(block: string): void {
  let action = '';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) action = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if ((action !== 'agent.started' && action !== 'agent.queued') || data === '') return;
  const at = performance.now();
  const event = JSON.parse(data) as { agent: string | null; ts: string };
  const agent = event.agent;
  if (agent === null) return;
  eventTs.set(agent, { ...eventTs.get(agent), [action]: Date.parse(event.ts) });
  if (action !== 'agent.started') return;
  startedAt.set(agent, at);
  eventWaiters.get(agent)?.(at);
}

/** Opens the SSE stream and resolves once the control plane has sent its first line. */
function openWatch(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/watch`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET /api/v1/watch answered ${String(res.statusCode)}`));
        return;
      }
      watch = res;
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        resolve();
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
    });
    req.end();
  });
}

function eventAt(name: string): Promise<number> {
  const seen = startedAt.get(name);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      eventWaiters.delete(name);
      reject(new Error(`no agent.started event for ${name} within ${EVENT_TIMEOUT_MS} ms`));
    }, EVENT_TIMEOUT_MS);
    eventWaiters.set(name, (at) => {
      clearTimeout(timer);
      eventWaiters.delete(name);
      resolve(at);
    });
  });
}

async function spawnAgent(http: JsonClient, name: string, command: readonly string[]): Promise<SpawnTiming> {
  const wallStart = Date.now();
  const started = performance.now();
  const response = await http.call('POST', '/api/v1/agents', { name, runtime: 'command', command });
  if (response.status !== 201) {
    throw new Error(
      `POST /api/v1/agents answered ${String(response.status)}: ${JSON.stringify(response.body)}`,
    );
  }
  const status = statusOf(response.body);
  let runningMs = response.ms;
  if (status !== 'running') {
    for (;;) {
      const now = await http.call('GET', `/api/v1/agents/${name}`);
      const seen = statusOf(now.body);
      if (seen === 'running') break;
      if (seen !== 'queued') throw new Error(`agent ${name} became ${seen}, not running`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    runningMs = performance.now() - started;
  }
  const eventMs = (await eventAt(name)) - started;
  startedAt.delete(name);
  const ts = eventTs.get(name) ?? {};
  eventTs.delete(name);
  const queuedAt = ts['agent.queued'] ?? Number.NaN;
  const startedTs = ts['agent.started'] ?? Number.NaN;
  const split = {
    toQueued: queuedAt - wallStart,
    toStarted: startedTs - queuedAt,
    toAnswer: response.ms - (startedTs - wallStart),
  };
  return { responseMs: response.ms, status, runningMs, eventMs, split };
}

serveParent<DriverRequest, unknown>(async (message) => {
  switch (message.op) {
    case 'init':
      client = new JsonClient(message.url, { authorization: `Bearer ${message.token}` });
      await openWatch(message.url, message.token);
      return null;
    case 'spawn':
      if (client === null) throw new Error('init first');
      return spawnAgent(client, message.name, message.command);
    case 'kill': {
      if (client === null) throw new Error('init first');
      const response = await client.call('DELETE', `/api/v1/agents/${message.name}`);
      return {
        ms: response.ms,
        httpStatus: response.status,
        status: statusOf(response.body),
      } satisfies KillResult;
    }
  }
});

process.once('disconnect', () => {
  watch?.destroy();
  client?.close();
});
