/**
 * One long-lived Transport that carries every 2025-era stateless POST to one shared server: each
 * `exchange()` delivers the messages of one HTTP body and resolves with the server's answers to
 * its requests. Request ids are renumbered on the way in (two clients may both send id 1) and
 * restored on the way out; a client's `notifications/cancelled` is renumbered the same way, and a
 * client that goes away cancels what it left in flight. What the server sends besides the answers
 * (progress, log messages, server→client requests) has no channel in a JSON answer and is dropped,
 * as in the SDK's own stateless JSON mode. No web Request or Response is built on the way.
 */
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
  type Transport,
} from '@modelcontextprotocol/server';

interface Waiting {
  readonly id: RequestId;
  readonly key: string;
  resolve(answer: JSONRPCMessage): void;
}

export class MultiplexedJsonTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  #next = 0;
  readonly #waiting = new Map<number, Waiting>();
  /** `<caller>\0<its request id>` → the id the server knows the request by, while in flight. */
  readonly #inflight = new Map<string, number>();

  /** Requests the server is working on. */
  get inflight(): number {
    return this.#waiting.size;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      const waiting = typeof message.id === 'number' ? this.#waiting.get(message.id) : undefined;
      if (waiting !== undefined && typeof message.id === 'number')
        this.#settle(message.id, waiting, { ...message, id: waiting.id });
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.onclose?.();
    return Promise.resolve();
  }

  /**
   * Delivers the messages of one POST from `caller` (request ids unique among them) and resolves
   * with the answers to its requests, in order. When `signal` aborts, its requests are cancelled.
   */
  exchange(
    caller: string,
    messages: readonly JSONRPCMessage[],
    extra: MessageExtraInfo,
    signal: AbortSignal,
  ): Promise<JSONRPCMessage[]> {
    const answers: Promise<JSONRPCMessage>[] = [];
    const inner: JSONRPCMessage[] = [];
    const mine: number[] = [];
    const cancelled: number[] = [];
    for (const message of messages) {
      if (isJSONRPCRequest(message)) {
        const id = ++this.#next;
        const key = `${caller}\u0000${String(message.id)}`;
        mine.push(id);
        this.#inflight.set(key, id);
        answers.push(new Promise((resolve) => this.#waiting.set(id, { id: message.id, key, resolve })));
        inner.push({ ...message, id });
      } else if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
        const requestId: unknown = message.params?.requestId;
        const id = this.#inflight.get(`${caller}\u0000${String(requestId)}`);
        if (id !== undefined) {
          inner.push({ ...message, params: { ...message.params, requestId: id } });
          cancelled.push(id);
        }
      } else {
        inner.push(message);
      }
    }
    if (mine.length > 0) {
      signal.addEventListener(
        'abort',
        () => {
          this.#abandon(mine);
        },
        { once: true },
      );
    }
    for (const message of inner) this.onmessage?.(message, extra);
    // A cancelled request is never answered by the server: its own POST gets the error instead.
    this.#answerCancelled(cancelled);
    return Promise.all(answers);
  }

  /** The client went away: cancel its requests and stop waiting for them. */
  #abandon(ids: readonly number[]): void {
    const pending = ids.filter((id) => this.#waiting.has(id));
    for (const id of pending) {
      this.onmessage?.({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: id, reason: 'the client went away' },
      });
    }
    this.#answerCancelled(pending);
  }

  #answerCancelled(ids: readonly number[]): void {
    for (const id of ids) {
      const waiting = this.#waiting.get(id);
      if (waiting === undefined) continue;
      this.#settle(id, waiting, {
        jsonrpc: '2.0',
        id: waiting.id,
        error: { code: -32800, message: 'Request cancelled' },
      });
    }
  }

  #settle(id: number, waiting: Waiting, answer: JSONRPCMessage): void {
    this.#waiting.delete(id);
    if (this.#inflight.get(waiting.key) === id) this.#inflight.delete(waiting.key);
    waiting.resolve(answer);
  }
}
