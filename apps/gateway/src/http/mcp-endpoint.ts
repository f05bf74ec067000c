/**
 * MCP on `/agents/<agent>/mcp`, for a request whose token already proved the agent. Every request
 * gets its own small low-level `Server` (a per-request server factory, as the SDK's stateless
 * serving wants) whose two handlers read the agent's precomputed catalog: nothing is converted or
 * matched per request, and every instance shares one JSON Schema validator.
 *
 * 2026-07-28 (envelope) requests go to `createMcpHandler`; 2025-era requests, which is what
 * today's agent CLIs send, are served statelessly over the streamable HTTP transport with plain
 * JSON answers (no SSE stream to set up and tear down per call).
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
  createMcpHandler,
  isLegacyRequest,
  type McpHttpHandler,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type Tool,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';

import { ToolUnavailableError } from '../errors.js';
import type { AgentIdentity } from '../identity/identity-cache.js';
import type { ToolExecutor } from '../tools/tool-executor.js';

const INSTRUCTIONS =
  'fracta gateway. fracta_* tools coordinate with the other agents of the fleet (list, peek, send, inbox, intent, report, spawn); ' +
  '<server>__<tool> tools belong to shared MCP servers.';

export interface McpEndpointOptions {
  readonly version: string;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

export class McpEndpoint {
  readonly #validator = new AjvJsonSchemaValidator();
  readonly #modern: McpHttpHandler;

  constructor(
    private readonly executor: ToolExecutor,
    private readonly options: McpEndpointOptions,
  ) {
    this.#modern = createMcpHandler(({ authInfo }) => this.#build(agentOf(authInfo), undefined), {
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
      const request = await toWebRequest(req as IncomingMessage & { method: string; url: string }, body, {
        signal: abort.signal,
        maxRequestBodySize: this.options.maxBodyBytes,
      });
      const authInfo: AuthInfo = { token: '', clientId: agent.name, scopes: [], extra: { agent } };
      const response = (await isLegacyRequest(request, body))
        ? await this.#legacy(request, body, authInfo, agent, abort.signal)
        : await this.#modern.fetch(request, { parsedBody: body, authInfo });
      await writeResponse(res, response);
    } finally {
      res.off('close', onClose);
    }
  }

  async #legacy(
    request: Request,
    body: unknown,
    authInfo: AuthInfo,
    agent: AgentIdentity,
    signal: AbortSignal,
  ): Promise<Response> {
    const server = this.#build(agent, signal);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request, { parsedBody: body, authInfo });
    } finally {
      void server.close().catch(() => undefined);
    }
  }

  #build(agent: AgentIdentity, signal: AbortSignal | undefined): Server {
    const server = new Server(
      { name: 'fracta-gateway', version: this.options.version },
      {
        capabilities: { tools: { listChanged: true } },
        instructions: INSTRUCTIONS,
        jsonSchemaValidator: this.#validator,
      },
    );
    server.setRequestHandler('tools/list', async () => ({
      tools: (await this.executor.list(agent)) as Tool[],
    }));
    server.setRequestHandler('tools/call', async (request, ctx) => {
      try {
        const { result, outputSchema } = await this.executor.call(
          agent,
          { name: request.params.name, arguments: request.params.arguments },
          signal ?? ctx.mcpReq.signal,
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
