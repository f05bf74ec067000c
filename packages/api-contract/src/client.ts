/**
 * The thin client of the control plane (CLI, host MCP server, daemon): HTTP + bearer token, every
 * response validated against the contract, every failure a domain error with the server's code.
 */
import { DomainError, type ErrorCategory } from '@fracta/domain';
import type { z } from 'zod';

import {
  identifyResponseSchema,
  inboxResponseSchema,
  messageViewSchema,
  reportResponseSchema,
  type InboxResponse,
  type MessageView,
  type ReportRequest,
  type ReportResponse,
  type ToolCallsRequest,
} from './agent-tools.contract.js';
import {
  agentsPageSchema,
  agentViewSchema,
  dryRunResultSchema,
  mergeResponseSchema,
  peekResultSchema,
  runsPageSchema,
  sayResultSchema,
  type AgentsPage,
  type AgentView,
  type DryRunResult,
  type MergeResponse,
  type PeekResult,
  type RunView,
  type SayResult,
  type SpawnRequest,
} from './agents.contract.js';
import { errorBodySchema } from './errors.contract.js';
import { eventsPageSchema, eventViewSchema, type EventsPage, type EventView } from './events.contract.js';

export class ControlPlaneError extends DomainError {
  readonly code: string;
  readonly category: ErrorCategory;
  constructor(
    code: string,
    category: ErrorCategory,
    message: string,
    readonly status: number,
    details: Record<string, unknown> = {},
  ) {
    super(message, { ...details, status });
    this.code = code;
    this.category = category;
  }
}

export class ControlPlaneUnreachableError extends DomainError {
  readonly code = 'CONTROL_PLANE_UNREACHABLE';
  readonly category = 'transient';
}

function categoryOf(status: number): ErrorCategory {
  if (status === 400 || status === 413 || status === 422) return 'invalid';
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 503 || status === 502 || status === 504) return 'transient';
  return 'bug';
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

export class ControlPlaneClient {
  readonly #base: string;

  constructor(private readonly options: ClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
  }

  async health(): Promise<{ status: string; uptime_s: number }> {
    const response = await this.#send('GET', '/healthz', undefined, {});
    return (await response.json()) as { status: string; uptime_s: number };
  }

  listAgents(query: Query = {}): Promise<AgentsPage> {
    return this.#json('GET', '/api/v1/agents', agentsPageSchema, query);
  }

  getAgent(name: string): Promise<AgentView> {
    return this.#json('GET', `/api/v1/agents/${encodeURIComponent(name)}`, agentViewSchema);
  }

  async runs(name: string): Promise<RunView[]> {
    return (await this.#json('GET', `/api/v1/agents/${encodeURIComponent(name)}/runs`, runsPageSchema)).runs;
  }

  spawn(request: SpawnRequest): Promise<AgentView> {
    return this.#json('POST', '/api/v1/agents', agentViewSchema, {}, request);
  }

  dryRun(request: SpawnRequest): Promise<DryRunResult> {
    return this.#json('POST', '/api/v1/agents/dry-run', dryRunResultSchema, {}, request);
  }

  kill(name: string, options: { keepFiles?: boolean } = {}): Promise<AgentView> {
    return this.#json('DELETE', `/api/v1/agents/${encodeURIComponent(name)}`, agentViewSchema, {
      keep_files: options.keepFiles === true ? 'true' : undefined,
    });
  }

  say(name: string, message: string): Promise<SayResult> {
    return this.#json(
      'POST',
      `/api/v1/agents/${encodeURIComponent(name)}/say`,
      sayResultSchema,
      {},
      { message },
    );
  }

  peek(name: string): Promise<PeekResult> {
    return this.#json('GET', `/api/v1/agents/${encodeURIComponent(name)}/peek`, peekResultSchema);
  }

  merge(name: string): Promise<MergeResponse> {
    return this.#json(
      'POST',
      `/api/v1/agents/${encodeURIComponent(name)}/merge`,
      mergeResponseSchema,
      {},
      {},
    );
  }

  /** The last `lines` lines of the agent's current run (stdout unless `stream` says stderr). */
  async logs(name: string, query: { lines?: number; stream?: 'stdout' | 'stderr' } = {}): Promise<string> {
    const response = await this.#send('GET', `/api/v1/agents/${encodeURIComponent(name)}/logs`, undefined, {
      lines: query.lines,
      stream: query.stream,
    });
    return response.text();
  }

  /** The tail, then everything the run appends until it ends (or `signal` aborts). */
  async *followLogs(
    name: string,
    query: { lines?: number; stream?: 'stdout' | 'stderr' },
    signal: AbortSignal,
  ): AsyncGenerator<string> {
    const response = await this.#send(
      'GET',
      `/api/v1/agents/${encodeURIComponent(name)}/logs`,
      undefined,
      { lines: query.lines, stream: query.stream, follow: 'true' },
      signal,
      false,
    );
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        yield decoder.decode(chunk, { stream: true });
      }
      const rest = decoder.decode();
      if (rest !== '') yield rest;
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
  }

  // ------------------------------------------------------------- the agent gateway's routes

  /** The live agent a per-agent gateway token belongs to (401 GATEWAY_CREDENTIAL_INVALID otherwise). */
  async identify(token: string): Promise<AgentView> {
    return (await this.#json('POST', '/api/v1/gateway/identify', identifyResponseSchema, {}, { token }))
      .agent;
  }

  sendMessage(message: { from: string; to: string; body: string }): Promise<MessageView> {
    return this.#json('POST', '/api/v1/messages', messageViewSchema, {}, message);
  }

  /** Unread messages of `name` (an agent or `host`), oldest first; reading moves its cursor. */
  readInbox(name: string, limit = 20): Promise<InboxResponse> {
    return this.#json(
      'POST',
      `/api/v1/agents/${encodeURIComponent(name)}/inbox`,
      inboxResponseSchema,
      {},
      { limit },
    );
  }

  setIntent(name: string, intent: string): Promise<AgentView> {
    return this.#json(
      'PUT',
      `/api/v1/agents/${encodeURIComponent(name)}/intent`,
      agentViewSchema,
      {},
      { intent },
    );
  }

  report(name: string, report: ReportRequest): Promise<ReportResponse> {
    return this.#json(
      'POST',
      `/api/v1/agents/${encodeURIComponent(name)}/reports`,
      reportResponseSchema,
      {},
      report,
    );
  }

  async recordToolCalls(name: string, calls: ToolCallsRequest['calls']): Promise<void> {
    await this.#send('POST', `/api/v1/agents/${encodeURIComponent(name)}/tool-calls`, { calls }, {});
  }

  events(query: Query = {}): Promise<EventsPage> {
    return this.#json('GET', '/api/v1/events', eventsPageSchema, query);
  }

  /** Server-sent events from `since` (or from now), until `signal` aborts. */
  async *watch(
    query: { since?: number; agent?: string; component?: string },
    signal: AbortSignal,
  ): AsyncGenerator<EventView> {
    const response = await this.#send(
      'GET',
      '/api/v1/watch',
      undefined,
      { since: query.since, agent: query.agent, component: query.component },
      signal,
      false,
    );
    const body = response.body;
    if (!body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data !== '') yield eventViewSchema.parse(JSON.parse(data));
          end = buffer.indexOf('\n\n');
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
  }

  async #json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    query: Query = {},
    body?: unknown,
  ): Promise<z.output<S>> {
    const response = await this.#send(method, path, body, query);
    return schema.parse(await response.json());
  }

  async #send(
    method: string,
    path: string,
    body: unknown,
    query: Query,
    signal?: AbortSignal,
    timeout = true,
  ): Promise<Response> {
    const url = new URL(`${this.#base}${path}`);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const signals = [
      signal,
      timeout ? AbortSignal.timeout(this.options.timeoutMs ?? 30_000) : undefined,
    ].filter((s): s is AbortSignal => s !== undefined);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new ControlPlaneUnreachableError(
        `control plane not reachable at ${this.#base} (${cause}): start it with 'fracta controlplane start', or check control_plane_api.url`,
        {},
        { cause: error },
      );
    }
    if (response.ok) return response;
    const text = await response.text();
    let parsed: z.infer<typeof errorBodySchema> | undefined;
    try {
      parsed = errorBodySchema.parse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    throw new ControlPlaneError(
      parsed?.error.code ?? `HTTP_${response.status}`,
      categoryOf(response.status),
      parsed?.error.message ?? `control plane answered ${response.status}: ${text.slice(0, 200)}`,
      response.status,
      parsed?.error.details ?? {},
    );
  }
}
