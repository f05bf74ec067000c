/**
 * MCP on `/agents/<agent>/mcp`, for a request whose token already proved the agent. The handlers
 * are two: tools/list answers the agent's precomputed catalog and tools/call runs or forwards the
 * call; the agent comes from the request's authInfo. Nothing is converted or matched per request.
 *
 * 2025-era requests (what today's agent CLIs send) are stateless POSTs answered with JSON, all
 * served by ONE long-lived low-level Server over a MultiplexedJsonTransport: no web
 * Request/Response, no SSE stream, and no server built and torn down per call. (A server per
 * request, the SDK's stateless idiom, cost ~100 µs and most of the garbage of a call here; the
 * 2025 codec is the same for every 2025 revision, and the handlers keep no per-client state.)
 * 2026-07-28 requests go to `createMcpHandler` with a per-request server factory, as that era's
 * per-request transport binds an instance to one exchange. The SDK's own classifier decides.
 */
/* eslint-disable @typescript-eslint/no-deprecated -- the low-level Server on purpose: two handlers and
   nothing registered per request is what keeps per-request construction cheap (McpServer would
   register and convert every tool on every request). */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from '@fracta/logger';
import { ProtocolError as UpstreamProtocolError } from '@modelcontextprotocol/client';
import { toWebRequest } from '@modelcontextprotocol/node';
import {
  type AuthInfo,
  classifyInboundRequest,
  createMcpHandler,
  isInitializeRequest,
  isJSONRPCRequest,
  isJsonContentType,
  type JSONRPCMessage,
  type McpHttpHandler,
  parseJSONRPCMessage,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  SUPPORTED_PROTOCOL_VERSIONS,
  type Tool,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';

import { ToolUnavailableError } from '../errors.js';
import type { AgentIdentity } from '../identity/identity-cache.js';
import type { ToolExecutor } from '../tools/tool-executor.js';

import { MultiplexedJsonTransport } from './multiplexed-json.transport.js';

const INSTRUCTIONS =
  'fracta gateway. fracta_* tools coordinate with the other agents of the fleet (list, peek, send, inbox, intent, report, spawn); ' +
  '<server>__<tool> tools belong to shared MCP servers.';

/** As the SDK's streamable HTTP transport. */
const MAX_BATCH = 100;

export interface McpEndpointOptions {
  readonly version: string;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

export class McpEndpoint {
  readonly #validator = new AjvJsonSchemaValidator();
  readonly #modern: McpHttpHandler;
  readonly #shared: Server;
  readonly #transport = new MultiplexedJsonTransport();
  readonly #connected: Promise<void>;

  constructor(
    private readonly executor: ToolExecutor,
    private readonly options: McpEndpointOptions,
  ) {
    this.#shared = this.#build();
    this.#connected = this.#shared.connect(this.#transport);
    this.#modern = createMcpHandler(() => this.#build(), {
      legacy: 'reject',
      maxRequestBodySize: options.maxBodyBytes,
      onerror: (error) => {
        options.logger.debug('mcp request rejected', { err: error });
      },
    });
  }

  /** Tells open 2026-07-28 subscriptions that the tool list changed. */
  toolsChanged(): void {
    this.#modern.notify.toolsChanged();
  }

  async close(): Promise<void> {
    await this.#modern.close();
    await this.#shared.close();
  }

  /** Serves one POST whose body was read and parsed already. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    agent: AgentIdentity,
  ): Promise<void> {
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);
    try {
      const route = classifyInboundRequest({
        httpMethod: 'POST',
        ...optionalHeader('protocolVersionHeader', req.headers['mcp-protocol-version']),
        ...optionalHeader('mcpMethodHeader', req.headers['mcp-method']),
        ...optionalHeader('mcpNameHeader', req.headers['mcp-name']),
        body,
      });
      const authInfo: AuthInfo = { token: '', clientId: agent.name, scopes: [], extra: { agent } };
      if (route.kind === 'legacy') {
        await this.#legacy(req, res, body, authInfo, abort.signal);
        return;
      }
      // The 2026-07-28 path (and its own rejections) through the SDK's entry.
      const request = await toWebRequest(req as IncomingMessage & { method: string; url: string }, body, {
        signal: abort.signal,
        maxRequestBodySize: this.options.maxBodyBytes,
      });
      await writeResponse(res, await this.#modern.fetch(request, { parsedBody: body, authInfo }));
    } finally {
      res.off('close', onClose);
    }
  }

  /**
   * A 2025-era POST, stateless, answered with JSON: the checks the SDK's streamable HTTP transport
   * makes (Accept, Content-Type, protocol version header, JSON-RPC shape, batch size), then the
   * messages through the shared server.
   */
  async #legacy(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    authInfo: AuthInfo,
    signal: AbortSignal,
  ): Promise<void> {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      writeJson(
        res,
        406,
        rpcError(-32000, 'Not Acceptable: Client must accept both application/json and text/event-stream'),
      );
      return;
    }
    if (!isJsonContentType(req.headers['content-type'] ?? null)) {
      writeJson(res, 415, rpcError(-32000, 'Unsupported Media Type: Content-Type must be application/json'));
      return;
    }
    const raw = Array.isArray(body) ? (body as unknown[]) : [body];
    if (raw.length > MAX_BATCH) {
      writeJson(res, 400, rpcError(-32600, `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`));
      return;
    }
    let messages: JSONRPCMessage[];
    try {
      messages = raw.map((message) => parseJSONRPCMessage(message));
    } catch {
      writeJson(res, 400, rpcError(-32700, 'Parse error: Invalid JSON-RPC message'));
      return;
    }
    const version = req.headers['mcp-protocol-version'];
    if (
      typeof version === 'string' &&
      !messages.some(isInitializeRequest) &&
      !SUPPORTED_PROTOCOL_VERSIONS.includes(version)
    ) {
      writeJson(
        res,
        400,
        rpcError(
          -32000,
          `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
        ),
      );
      return;
    }
    const requests = messages.filter(isJSONRPCRequest);
    if (new Set(requests.map((request) => request.id)).size !== requests.length) {
      writeJson(res, 400, rpcError(-32600, 'Invalid Request: request ids in a batch must be unique'));
      return;
    }
    await this.#connected;
    const answers = await this.#transport.exchange(authInfo.clientId, messages, { authInfo }, signal);
    if (requests.length === 0) {
      res.writeHead(202).end();
      return;
    }
    writeJson(res, 200, Array.isArray(body) ? answers : answers[0]);
  }

  #build(): Server {
    const server = new Server(
      { name: 'fracta-gateway', version: this.options.version },
      {
        capabilities: { tools: { listChanged: true } },
        instructions: INSTRUCTIONS,
        jsonSchemaValidator: this.#validator,
      },
    );
    server.setRequestHandler('tools/list', async (_request, ctx) => ({
      tools: (await this.executor.list(agentOf(ctx.http?.authInfo))) as Tool[],
    }));
    server.setRequestHandler('tools/call', async (request, ctx) => {
      try {
        const { result, outputSchema } = await this.executor.call(
          agentOf(ctx.http?.authInfo),
          { name: request.params.name, arguments: request.params.arguments },
          ctx.mcpReq.signal,
        );
        return server.projectCallToolResult(result, outputSchema);
      } catch (error) {
        if (error instanceof ToolUnavailableError)
          throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
        // A backend's own JSON-RPC error reaches the agent with its code and message.
        if (UpstreamProtocolError.isInstance(error))
          throw new ProtocolError(error.code, error.message, error.data);
        throw error;
      }
    });
    return server;
  }
}

function optionalHeader<K extends string>(
  key: K,
  value: string | string[] | undefined,
): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}

function rpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const payload = JSON.stringify(value);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(payload)),
    })
    .end(payload);
}

function agentOf(authInfo: AuthInfo | undefined): AgentIdentity {
  const agent = authInfo?.extra?.agent as AgentIdentity | undefined;
  if (agent === undefined) throw new Error('the gateway serves MCP only to an authenticated agent');
  return agent;
}

/** Writes a web Response to a Node response: JSON in one write, an SSE stream as it comes. */
async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  if (response.body === null) {
    res.writeHead(response.status, headers).end();
    return;
  }
  if (!(headers['content-type'] ?? '').includes('text/event-stream')) {
    const payload = Buffer.from(await response.arrayBuffer());
    headers['content-length'] = String(payload.length);
    res.writeHead(response.status, headers).end(payload);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      // Leaving the loop cancels the stream (and with it the server's side of the exchange).
      if (res.destroyed) break;
      if (!res.write(chunk)) await drained(res);
    }
  } catch {
    // the stream failed: nothing more to send
  } finally {
    res.end();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
