/**
 * The one upstream connection to one backend MCP server (one process for stdio), shared by every
 * agent. It connects on first use, keeps the backend's tool list (refreshed on
 * `notifications/tools/list_changed`), and after a failure or a crash reconnects with capped
 * exponential backoff. A call that was in flight when the connection broke fails for its caller
 * only; the next call gets a fresh connection.
 */
import { redactUrlPassword } from '@fracta/config';
import { type Clock, toError } from '@fracta/domain';
import type { Logger } from '@fracta/logger';
import {
  Client,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SSEClientTransport,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import type { CallToolResult, StandardSchemaV1, Tool, Transport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import type { BackendConfig } from '../config.js';
import { BackendCallFailedError, BackendTimeoutError, BackendUnavailableError } from '../errors.js';

import type { Backoff } from './backoff.js';
import { createNodeFetch, type NodeFetch } from './node-fetch.js';

export const BACKEND_STATES = ['idle', 'connecting', 'ready', 'failed', 'closed'] as const;
export type BackendState = (typeof BACKEND_STATES)[number];

export interface BackendStatus {
  readonly name: string;
  readonly transport: BackendConfig['transport'];
  readonly state: BackendState;
  readonly tools: number;
  /** Successful connects so far (1 = never reconnected). */
  readonly connects: number;
  readonly lastError: string | null;
  /** ms since the epoch of the next reconnect attempt while failed. */
  readonly nextAttemptAt: number | null;
  /** The stdio process, while connected. */
  readonly pid: number | null;
}

export interface BackendConnectionOptions {
  readonly connectTimeoutMs: number;
  readonly backoff: Backoff;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called whenever the state or the tool list changes. */
  readonly onChange: (backend: BackendConnection) => void;
  readonly version: string;
}

export interface CallOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The backend's tools/call result, as it came: the gateway forwards it, and the agent's own client
 * validates it (validating here too costs a schema walk per call for nothing).
 */
const FORWARD_AS_IS: StandardSchemaV1<unknown, CallToolResult> = {
  '~standard': {
    version: 1,
    vendor: 'fracta-gateway',
    validate: (value) => ({ value: value as CallToolResult }),
  },
};

/** A retry due this soon is made at once for a caller instead of failing it. */
const RETRY_NOW_WITHIN_MS = 1_000;
/** A connection that lived this long counts as healthy: its crash does not grow the backoff. */
const HEALTHY_UPTIME_MS = 5_000;
const STDERR_TAIL_CHARS = 2_048;

export class BackendConnection {
  #state: BackendState = 'idle';
  #client: Client | null = null;
  #transport: Transport | null = null;
  #connecting: Promise<Client> | null = null;
  #tools: readonly Tool[] = [];
  #failures = 0;
  #connects = 0;
  #connectedAt = 0;
  #nextAttemptAt: number | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #lastError: string | null = null;
  #stderrTail = '';
  /** The keep-alive HTTP client of an HTTP backend's current connection. */
  #http: NodeFetch | null = null;
  /** Identifies the current connection: events of an older one are ignored. */
  #generation = 0;

  constructor(
    readonly config: BackendConfig,
    private readonly options: BackendConnectionOptions,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get state(): BackendState {
    return this.#state;
  }

  get tools(): readonly Tool[] {
    return this.#tools;
  }

  /**
   * Its first connect has not happened or is under way (and nothing failed yet): its tools are
   * unknown until it ends. A backend that already failed is not waited for again.
   */
  get awaitingFirstConnect(): boolean {
    return (
      this.#connects === 0 &&
      this.#lastError === null &&
      (this.#state === 'idle' || this.#state === 'connecting')
    );
  }

  get status(): BackendStatus {
    return {
      name: this.config.name,
      transport: this.config.transport,
      state: this.#state,
      tools: this.#tools.length,
      connects: this.#connects,
      lastError: this.#lastError,
      nextAttemptAt: this.#state === 'failed' ? this.#nextAttemptAt : null,
      pid: this.#transport instanceof StdioClientTransport ? this.#transport.pid : null,
    };
  }

  /** The connected client: connects when idle, waits for a connect in progress, retries when one is due. */
  ensure(): Promise<Client> {
    switch (this.#state) {
      case 'ready':
        if (this.#client !== null) return Promise.resolve(this.#client);
        return this.#connect();
      case 'connecting':
        return this.#connecting ?? this.#connect();
      case 'idle':
        return this.#connect();
      case 'failed': {
        const wait = (this.#nextAttemptAt ?? 0) - this.options.clock.now().getTime();
        if (wait <= RETRY_NOW_WITHIN_MS) return this.#connect();
        return Promise.reject(
          new BackendUnavailableError(
            `backend ${this.name} is unavailable (${this.#lastError ?? 'not connected'}); next attempt in ${Math.ceil(wait / 1000)} s`,
            { backend: this.name },
          ),
        );
      }
      case 'closed':
        return Promise.reject(new BackendUnavailableError(`backend ${this.name} is shut down`));
    }
  }

  /** The tool list, connecting first when needed. */
  async listTools(): Promise<readonly Tool[]> {
    await this.ensure();
    return this.#tools;
  }

  /** Forwards `tools/call` as is and returns the backend's result as is. */
  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    options: CallOptions,
  ): Promise<CallToolResult> {
    const client = await this.ensure();
    const generation = this.#generation;
    try {
      return await client.request(
        { method: 'tools/call', params: args === undefined ? { name } : { name, arguments: args } },
        FORWARD_AS_IS,
        {
          timeout: options.timeoutMs,
          resetTimeoutOnProgress: true,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        },
      );
    } catch (error) {
      throw this.#callError(error, generation);
    }
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    this.#clearRetry();
    this.#generation += 1;
    await this.#teardown();
  }

  #callError(error: unknown, generation: number): Error {
    if (ProtocolError.isInstance(error)) return error;
    if (SdkError.isInstance(error)) {
      if (error.code === SdkErrorCode.RequestTimeout) {
        return new BackendTimeoutError(
          `backend ${this.name} did not answer in time`,
          { backend: this.name },
          { cause: error },
        );
      }
      if (error.code === SdkErrorCode.ConnectionClosed || error.code === SdkErrorCode.NotConnected) {
        this.#broken(generation, 'the connection closed during a call');
        return new BackendCallFailedError(
          `backend ${this.name} went away during the call; it is being restarted`,
          { backend: this.name },
          { cause: error },
        );
      }
    }
    const failure = toError(error);
    if (failure.name === 'AbortError') return failure;
    // A transport-level failure (HTTP backend down, broken pipe): reconnect before the next call.
    this.#broken(generation, failure.message);
    return new BackendCallFailedError(
      `backend ${this.name} failed: ${failure.message}`,
      { backend: this.name },
      { cause: error },
    );
  }

  #connect(): Promise<Client> {
    if (this.#connecting !== null) return this.#connecting;
    this.#clearRetry();
    this.#state = 'connecting';
    const generation = ++this.#generation;
    const connecting = this.#open(generation).finally(() => {
      if (this.#connecting === connecting) this.#connecting = null;
    });
    this.#connecting = connecting;
    this.options.onChange(this);
    return connecting;
  }

  async #open(generation: number): Promise<Client> {
    await this.#teardown();
    const startedAt = this.options.clock.now().getTime();
    const client = new Client(
      { name: 'fracta-gateway', version: this.options.version },
      {
        listChanged: {
          tools: {
            debounceMs: 20,
            onChanged: (error, tools) => {
              if (generation !== this.#generation) return;
              if (error !== null) {
                this.options.logger.warn('backend tool list refresh failed', {
                  backend: this.name,
                  err: error,
                });
                return;
              }
              if (tools !== null) this.#setTools(tools);
            },
          },
        },
      },
    );
    const transport = this.#makeTransport();
    this.#client = client;
    this.#transport = transport;
    client.onclose = () => {
      this.#broken(
        generation,
        `the ${this.config.transport === 'stdio' ? 'process exited' : 'connection closed'}`,
      );
    };
    client.onerror = (error) => {
      this.options.logger.debug('backend transport error', { backend: this.name, err: error });
    };
    try {
      await client.connect(transport, { timeout: this.options.connectTimeoutMs });
      const { tools } = await client.listTools(undefined, { timeout: this.options.connectTimeoutMs });
      if (generation !== this.#generation) throw new Error('superseded by a newer connection');
      this.#tools = Object.freeze([...tools]);
      this.#state = 'ready';
      this.#connects += 1;
      this.#connectedAt = startedAt;
      this.#lastError = null;
      this.#nextAttemptAt = null;
      this.options.logger.info('backend connected', {
        backend: this.name,
        transport: this.config.transport,
        tools: tools.length,
        pid: this.status.pid,
        ms: this.options.clock.now().getTime() - startedAt,
      });
      this.options.onChange(this);
      return client;
    } catch (error) {
      const failure = toError(error);
      if (generation === this.#generation) {
        await this.#teardown();
        this.#fail(failure.message, true);
      }
      throw new BackendUnavailableError(
        `backend ${this.name} could not be connected: ${failure.message}`,
        { backend: this.name },
        { cause: error },
      );
    }
  }

  #makeTransport(): Transport {
    const config = this.config;
    switch (config.transport) {
      case 'stdio': {
        const transport = new StdioClientTransport({
          command: config.command,
          args: [...config.args],
          env: { ...getDefaultEnvironment(), ...config.env },
          stderr: 'pipe',
        });
        this.#stderrTail = '';
        transport.stderr?.on('data', (chunk: Buffer) => {
          this.#stderrTail = (this.#stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
        });
        return transport;
      }
      case 'streamable-http': {
        this.#http = createNodeFetch();
        return new StreamableHTTPClientTransport(new URL(config.url), {
          requestInit: { headers: { ...config.headers } },
          fetch: this.#http.fetch,
        });
      }
      case 'sse': {
        this.#http = createNodeFetch();
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- mcp_servers may name SSE servers; still supported by the SDK
        return new SSEClientTransport(new URL(config.url), {
          requestInit: { headers: { ...config.headers } },
          fetch: this.#http.fetch,
        });
      }
    }
  }

  #setTools(tools: readonly Tool[]): void {
    this.#tools = Object.freeze([...tools]);
    this.options.logger.info('backend tools changed', { backend: this.name, tools: tools.length });
    this.options.onChange(this);
  }

  /** The current connection broke (crash, closed pipe, HTTP failure): mark it failed and reconnect. */
  #broken(generation: number, reason: string): void {
    if (generation !== this.#generation || this.#state === 'closed' || this.#state === 'failed') return;
    if (this.#state === 'connecting') return; // #open's catch records it
    const uptime = this.options.clock.now().getTime() - this.#connectedAt;
    if (uptime >= HEALTHY_UPTIME_MS) this.#failures = 0;
    this.#generation += 1;
    void this.#teardown();
    this.#fail(reason, false);
  }

  #fail(reason: string, duringConnect: boolean): void {
    const stderr = this.#stderrTail.trim();
    this.#lastError = reason;
    this.#state = 'failed';
    const delay = this.options.backoff.delay(this.#failures);
    this.#failures += 1;
    this.#nextAttemptAt = this.options.clock.now().getTime() + delay;
    this.options.logger.warn(duringConnect ? 'backend connect failed' : 'backend connection lost', {
      backend: this.name,
      ...(this.config.transport === 'stdio' ? {} : { url: redactUrlPassword(this.config.url) }),
      reason,
      retryInMs: delay,
    });
    if (stderr !== '') this.options.logger.debug('backend stderr', { backend: this.name, stderr });
    this.#clearRetry();
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#state === 'failed') this.#connect().catch(() => undefined);
    }, delay);
    this.#retryTimer.unref();
    this.options.onChange(this);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  async #teardown(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    this.#transport = null;
    const http = this.#http;
    this.#http = null;
    if (client !== null) {
      client.onclose = () => undefined;
      await client.close().catch(() => undefined);
    }
    http?.close();
  }
}
