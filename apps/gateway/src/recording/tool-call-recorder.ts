/**
 * Records every backend tool call with the control plane (`recordToolCalls`), off the hot path:
 * calls are queued in memory and sent in batches per agent every `flushMs`. Recording never fails
 * or slows a call: a failed batch is logged and dropped, and a full queue drops the oldest records
 * (counted in the metrics).
 */
import type { ToolCallsRequest } from '@fracta/api-contract';
import { toError } from '@fracta/domain';
import type { Logger } from '@fracta/logger';

export type ToolCallRecord = ToolCallsRequest['calls'][number];

export interface ToolCallSink {
  recordToolCalls(agent: string, calls: ToolCallsRequest['calls']): Promise<void>;
}

export interface RecorderOptions {
  readonly flushMs: number;
  /** Records kept at most while the control plane is slow or down. */
  readonly maxQueued: number;
  readonly onDropped: (count: number) => void;
}

const BATCH_MAX = 500;

export class ToolCallRecorder {
  #queue = new Map<string, ToolCallRecord[]>();
  #queued = 0;
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly sink: ToolCallSink,
    private readonly logger: Logger,
    private readonly options: RecorderOptions,
  ) {}

  record(agent: string, call: ToolCallRecord): void {
    if (this.#stopped) return;
    if (this.#queued >= this.options.maxQueued) this.#dropOldest();
    let calls = this.#queue.get(agent);
    if (calls === undefined) {
      calls = [];
      this.#queue.set(agent, calls);
    }
    calls.push(call);
    this.#queued += 1;
    if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        void this.flush();
      }, this.options.flushMs);
      this.#timer.unref();
    }
  }

  /** Sends everything queued so far (one request per agent and 500 calls). */
  flush(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing.then(() => this.flush());
    if (this.#queued === 0) return Promise.resolve();
    const batches = this.#queue;
    this.#queue = new Map();
    this.#queued = 0;
    const flushing = this.#send(batches).finally(() => {
      this.#flushing = null;
    });
    this.#flushing = flushing;
    return flushing;
  }

  /** Flushes what is left and accepts no more records. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.flush();
    this.#stopped = true;
  }

  async #send(batches: Map<string, ToolCallRecord[]>): Promise<void> {
    await Promise.all(
      [...batches].flatMap(([agent, calls]) => {
        const requests: Promise<void>[] = [];
        for (let start = 0; start < calls.length; start += BATCH_MAX) {
          const chunk = calls.slice(start, start + BATCH_MAX);
          requests.push(
            this.sink.recordToolCalls(agent, chunk).catch((error: unknown) => {
              this.options.onDropped(chunk.length);
              this.logger.warn('tool calls not recorded', {
                agent,
                calls: chunk.length,
                err: toError(error),
              });
            }),
          );
        }
        return requests;
      }),
    );
  }

  #dropOldest(): void {
    for (const [agent, calls] of this.#queue) {
      calls.shift();
      this.#queued -= 1;
      if (calls.length === 0) this.#queue.delete(agent);
      this.options.onDropped(1);
      return;
    }
  }
}
