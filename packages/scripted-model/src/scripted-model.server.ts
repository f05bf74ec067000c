import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as zlib from 'node:zlib';

import {
  type AnswerToolCall,
  estimateTokens,
  type ModelAnswer,
  newId,
  type ProtocolRenderer,
} from './answer.js';
import { anthropicProtocol } from './anthropic.protocol.js';
import { openaiChatProtocol } from './openai-chat.protocol.js';
import { openaiResponsesProtocol } from './openai-responses.protocol.js';
import {
  type AnswerKind,
  describeBody,
  type ModelProtocol,
  type RecordedRequest,
  scrubHeaders,
} from './recorded-request.js';
import { ScriptedModelError } from './scripted-model.errors.js';
import { type ErrorTurn, type ScriptedTurn, toolNameMatches, validateTurn } from './turn.js';

export interface ScriptedModelOptions {
  /** Answers model requests when the queue is empty (default: a text turn saying so). */
  readonly fallback?: ScriptedTurn;
  /** Request bodies above this size get 413 (default 10 MiB, at most 100 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * Requests the CLIs make on the side (opencode's session-title request) that must not consume
   * a scripted turn. Default: a request offering no tools whose system prompt asks for a title.
   */
  readonly isAuxiliary?: (request: RecordedRequest) => boolean;
  /** What auxiliary requests are answered with (default "Scripted session"). */
  readonly auxiliaryText?: string;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_MAX_BODY_BYTES = 100 * 1024 * 1024;
const DEFAULT_CHUNK_SIZE = 16;
const MAX_RECORDED_REQUESTS = 10_000;
const DEFAULT_FALLBACK: ScriptedTurn = {
  kind: 'text',
  text: 'scripted model: no turn was queued for this request',
};

const ROUTES: Readonly<Record<string, { protocol: ModelProtocol; renderer: ProtocolRenderer }>> = {
  '/v1/messages': { protocol: 'anthropic', renderer: anthropicProtocol },
  '/v1/responses': { protocol: 'openai-responses', renderer: openaiResponsesProtocol },
  '/v1/chat/completions': { protocol: 'openai-chat', renderer: openaiChatProtocol },
};

/** opencode asks its small model for a session title, without tools, next to the real request. */
function isTitleRequest(request: RecordedRequest): boolean {
  return (
    request.tools.length === 0 &&
    request.messages.some((message) => message.role === 'system' && /title generator/i.test(message.text))
  );
}

interface RecordInit {
  readonly request: IncomingMessage;
  readonly path: string;
  readonly query: string;
  readonly protocol: ModelProtocol;
  readonly body: unknown;
  readonly bodyBytes: number;
  readonly kind: AnswerKind;
  readonly status: number;
}

class RequestRejected extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function decompress(body: Buffer, encoding: string | undefined, limit: number): Buffer {
  const options = { maxOutputLength: limit };
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return body;
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body, options);
    case 'deflate':
      return zlib.inflateSync(body, options);
    case 'br':
      return zlib.brotliDecompressSync(body, options);
    case 'zstd':
      return zlib.zstdDecompressSync(body, options);
    default:
      throw new RequestRejected(415, `unsupported content-encoding "${encoding ?? ''}"`);
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new RequestRejected(413, `request body of ${declared} bytes is over the ${limit}-byte limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new RequestRejected(413, `request body is over the ${limit}-byte limit`));
        request.pause();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

/**
 * A model endpoint on 127.0.0.1 that answers from a per-test script. Start one with
 * `startScriptedModel()`, point a CLI at `anthropicBaseUrl` / `openaiBaseUrl`, queue turns with
 * `script()` or `enqueue()`, and assert on `requests`.
 */
export class ScriptedModel {
  readonly url: string;
  /** For ANTHROPIC_BASE_URL (the SDK appends /v1/messages). */
  readonly anthropicBaseUrl: string;
  /** For OpenAI-style `base_url` / `baseURL` settings (ends in /v1). */
  readonly openaiBaseUrl: string;

  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #closing = new AbortController();
  readonly #options: Required<Omit<ScriptedModelOptions, 'isAuxiliary'>> & {
    isAuxiliary: (request: RecordedRequest) => boolean;
  };
  #queue: ScriptedTurn[] = [];
  /** An error turn with `repeat` that still answers the next requests. */
  #repeating: { turn: ErrorTurn; index: number; left: number } | null = null;
  #turnsServed = 0;
  #lastSeq = 0;
  readonly #requests: RecordedRequest[] = [];
  readonly #problems: string[] = [];

  private constructor(server: Server, port: number, options: ScriptedModelOptions) {
    this.#server = server;
    this.url = `http://127.0.0.1:${port}`;
    this.anthropicBaseUrl = this.url;
    this.openaiBaseUrl = `${this.url}/v1`;
    this.#options = {
      fallback: options.fallback ?? DEFAULT_FALLBACK,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      isAuxiliary: options.isAuxiliary ?? isTitleRequest,
      auxiliaryText: options.auxiliaryText ?? 'Scripted session',
    };
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.#handle(request, response).catch((error: unknown) => {
        this.#problems.push(`internal error: ${error instanceof Error ? error.message : String(error)}`);
        if (!response.headersSent)
          this.#sendJson(response, 500, { error: { message: 'scripted model failed' } });
        else response.destroy();
      });
    });
  }

  /** @internal use startScriptedModel() */
  static async start(options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
    const limit = options.maxBodyBytes;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0 && limit <= MAX_MAX_BODY_BYTES)) {
      throw new ScriptedModelError(
        'SCRIPTED_MODEL_OPTIONS_INVALID',
        `maxBodyBytes must be an integer between 1 and ${MAX_MAX_BODY_BYTES}, got ${String(limit)}`,
      );
    }
    if (options.fallback) validateTurn(options.fallback, -1);
    const server = createServer({ keepAliveTimeout: 5_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new ScriptedModel(server, (server.address() as AddressInfo).port, options);
  }

  /** Every request received so far, oldest first (the newest 10 000 are kept). */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** Requests that were answered from the script or the fallback (not auxiliary ones). */
  get modelRequests(): readonly RecordedRequest[] {
    const modelKinds: readonly AnswerKind[] = ['text', 'tool', 'error', 'fallback', 'unmatched-tool'];
    return this.#requests.filter((request) => modelKinds.includes(request.answer.kind));
  }

  /** Scripting mistakes seen while serving (e.g. a tool call that matched no offered tool). */
  get problems(): readonly string[] {
    return this.#problems;
  }

  /** Turns still queued (an error turn with `repeat` counts until its last repeat is served). */
  get remaining(): number {
    return this.#queue.length + (this.#repeating ? 1 : 0);
  }

  /** Replaces the queue with `turns`. */
  script(turns: readonly ScriptedTurn[]): this {
    turns.forEach((turn, index) => {
      validateTurn(turn, index);
    });
    this.#queue = [...turns];
    this.#repeating = null;
    return this;
  }

  /** Appends turns to the queue. */
  enqueue(...turns: ScriptedTurn[]): this {
    turns.forEach((turn, index) => {
      validateTurn(turn, this.#queue.length + index);
    });
    this.#queue.push(...turns);
    return this;
  }

  /** Stops listening, cuts open (slow) responses, and resolves when the port is free. */
  async close(): Promise<void> {
    this.#closing.abort();
    const closed = new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [path = '/', query = ''] = (request.url ?? '/').split('?', 2);
    const method = request.method ?? 'GET';
    const route = ROUTES[path];
    const protocol: ModelProtocol =
      route?.protocol ?? ('anthropic-version' in request.headers ? 'anthropic' : 'other');
    const renderer = route?.renderer ?? (protocol === 'anthropic' ? anthropicProtocol : openaiChatProtocol);

    let raw: Buffer;
    let body: unknown = null;
    try {
      raw = await readBody(request, this.#options.maxBodyBytes);
      raw = decompress(raw, request.headers['content-encoding'], this.#options.maxBodyBytes);
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8')) as unknown;
        } catch {
          if (route || path === '/v1/messages/count_tokens')
            throw new RequestRejected(400, 'request body is not JSON');
        }
      }
    } catch (error) {
      const status = error instanceof RequestRejected ? error.status : 400;
      const message = error instanceof Error ? error.message : 'unreadable request body';
      this.#record({ request, path, query, protocol, body: null, bodyBytes: 0, kind: 'bad-request', status });
      this.#sendJson(response, status, renderer.error({ status, message, errorType: undefined }), {
        connection: 'close',
      });
      return;
    }

    const seen = { request, path, query, protocol, body, bodyBytes: raw.length };
    if (method === 'POST' && route) {
      await this.#answerModel(response, seen, route.renderer);
      return;
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      this.#record({ ...seen, protocol: 'anthropic', kind: 'count-tokens', status: 200 });
      this.#sendJson(response, 200, { input_tokens: estimateTokens(raw.toString('utf8')) });
      return;
    }
    if (method === 'GET' && path === '/v1/models') {
      this.#record({ ...seen, kind: 'models', status: 200 });
      this.#sendJson(response, 200, this.#modelList());
      return;
    }
    if ((method === 'GET' || method === 'HEAD') && (path === '/' || path === '/health')) {
      this.#record({ ...seen, kind: 'health', status: 200 });
      this.#sendJson(response, 200, { ok: true });
      return;
    }
    this.#record({ ...seen, kind: 'not-found', status: 404 });
    this.#sendJson(
      response,
      404,
      renderer.error({
        status: 404,
        message: `the scripted model does not serve ${method} ${path}`,
        errorType: 'not_found_error',
      }),
    );
  }

  async #answerModel(
    response: ServerResponse,
    seen: Omit<RecordInit, 'kind' | 'status'>,
    renderer: ProtocolRenderer,
  ): Promise<void> {
    const { protocol, body, bodyBytes } = seen;
    const probe = this.#buildRecord({ ...seen, kind: 'text', status: 200 });
    const described = probe;
    let kind: AnswerKind;
    let turn: ScriptedTurn;
    let turnIndex: number | null = null;
    if (this.#options.isAuxiliary(probe)) {
      kind = 'auxiliary';
      turn = { kind: 'text', text: this.#options.auxiliaryText };
    } else if (this.#repeating) {
      const repeating = this.#repeating;
      turn = repeating.turn;
      turnIndex = repeating.index;
      kind = 'error';
      repeating.left -= 1;
      if (repeating.left === 0) this.#repeating = null;
    } else {
      const next = this.#queue.shift();
      if (next) {
        turnIndex = this.#turnsServed;
        this.#turnsServed += 1;
        turn = next;
        kind = next.kind;
        if (next.kind === 'error' && next.repeat !== undefined && next.repeat > 1) {
          this.#repeating = { turn: next, index: turnIndex, left: next.repeat - 1 };
        }
      } else {
        turn = this.#options.fallback;
        kind = 'fallback';
      }
    }

    const model = described.model ?? 'scripted-model';
    let toolCall: AnswerToolCall | null = null;
    let error: ErrorTurn | null = turn.kind === 'error' ? turn : null;
    if (turn.kind === 'tool') {
      const matcher = turn.tool;
      const name = described.tools.find((candidate) => toolNameMatches(matcher, candidate));
      if (name === undefined) {
        kind = 'unmatched-tool';
        const message = `scripted tool call ${String(matcher)} matches no offered tool (offered: ${described.tools.join(', ') || 'none'})`;
        this.#problems.push(`request ${probe.seq}: ${message}`);
        error = { kind: 'error', status: 400, message };
      } else {
        const dot = protocol === 'openai-responses' ? name.lastIndexOf('.') : -1;
        const fromNamespace = dot > 0 && !this.#isPlainTool(body, name);
        toolCall = {
          name,
          namespace: fromNamespace ? name.slice(0, dot) : null,
          localName: fromNamespace ? name.slice(dot + 1) : name,
          argumentsJson: JSON.stringify(turn.arguments ?? {}),
        };
      }
    }
    const status = error ? error.status : 200;
    this.#pushRecord({ ...probe, answer: { kind, turn: turnIndex, status } });

    const aborted = new AbortController();
    const onClose = (): void => {
      aborted.abort();
    };
    response.once('close', onClose);
    const signal = AbortSignal.any([aborted.signal, this.#closing.signal]);
    try {
      if (turn.delayMs) await sleep(turn.delayMs, undefined, { signal });
      if (error) {
        const headers: Record<string, string> = { 'x-should-retry': 'false' };
        this.#sendJson(
          response,
          error.status,
          renderer.error({
            status: error.status,
            message: error.message ?? `scripted error ${error.status}`,
            errorType: error.errorType,
          }),
          headers,
        );
        return;
      }
      const text = turn.kind === 'error' ? '' : (turn.text ?? '');
      const answer: ModelAnswer = {
        model,
        text,
        toolCall,
        chunkSize: turn.kind === 'text' && turn.chunkSize ? turn.chunkSize : DEFAULT_CHUNK_SIZE,
        usage: {
          inputTokens:
            (turn.kind === 'error' ? undefined : turn.usage?.inputTokens) ??
            Math.max(1, Math.ceil(bodyBytes / 4)),
          outputTokens:
            (turn.kind === 'error' ? undefined : turn.usage?.outputTokens) ??
            estimateTokens(text + (toolCall?.argumentsJson ?? '')),
          cacheReadTokens: (turn.kind === 'error' ? undefined : turn.usage?.cacheReadTokens) ?? 0,
        },
      };
      if (!described.stream) {
        this.#sendJson(response, 200, renderer.json(answer));
        return;
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'request-id': newId('req_'),
      });
      const frames = renderer.streamFrames(answer);
      for (const [position, frame] of frames.entries()) {
        if (position > 0 && turn.chunkDelayMs) await sleep(turn.chunkDelayMs, undefined, { signal });
        if (signal.aborted) return;
        response.write(frame);
      }
      if (renderer.streamEnd) response.write(renderer.streamEnd);
      response.end();
    } catch (caught) {
      if (signal.aborted) {
        response.destroy();
        return;
      }
      throw caught;
    } finally {
      response.off('close', onClose);
    }
  }

  /** True when a Responses API request offers `name` as a plain (non-namespace) tool. */
  #isPlainTool(body: unknown, name: string): boolean {
    const tools = (body as { tools?: unknown } | null)?.tools;
    return Array.isArray(tools) && tools.some((tool) => (tool as { name?: unknown } | null)?.name === name);
  }

  #record(init: RecordInit): void {
    this.#pushRecord(this.#buildRecord(init));
  }

  #buildRecord(init: RecordInit): RecordedRequest {
    this.#lastSeq += 1;
    return {
      seq: this.#lastSeq,
      method: init.request.method ?? 'GET',
      path: init.path,
      query: init.query,
      protocol: init.protocol,
      headers: scrubHeaders(init.request.headers),
      body: init.body,
      bodyBytes: init.bodyBytes,
      ...describeBody(init.protocol, init.body),
      answer: { kind: init.kind, turn: null, status: init.status },
    };
  }

  #pushRecord(record: RecordedRequest): void {
    this.#requests.push(record);
    if (this.#requests.length > MAX_RECORDED_REQUESTS) this.#requests.shift();
  }

  #modelList(): unknown {
    const now = Math.floor(Date.now() / 1000);
    const model = {
      id: 'scripted-model',
      object: 'model',
      type: 'model',
      display_name: 'Scripted model',
      created: now,
      created_at: new Date(now * 1000).toISOString(),
      owned_by: 'scripted',
    };
    return { object: 'list', data: [model], has_more: false, first_id: model.id, last_id: model.id };
  }

  #sendJson(
    response: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (response.headersSent || response.destroyed) return;
    const text = JSON.stringify(payload);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'request-id': newId('req_'),
      ...headers,
    });
    response.end(text);
  }
}

/** Starts a scripted model endpoint on 127.0.0.1 with an ephemeral port. */
export function startScriptedModel(options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  return ScriptedModel.start(options);
}
