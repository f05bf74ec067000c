import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { fromJsonSchema, McpServer } from '@modelcontextprotocol/server';

/** The fracta agent tools of DESIGN.md §5, as the gateway serves them. */
export const FRACTA_TOOLS = [
  'fracta_list',
  'fracta_peek',
  'fracta_send',
  'fracta_inbox',
  'fracta_set_intent',
  'fracta_report',
  'fracta_spawn',
] as const;

export interface GatewayRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
  readonly status: number;
}

/**
 * A real MCP server (SDK v2, streamable HTTP, stateless) on 127.0.0.1:0 that behaves like the
 * gateway at its edge: `/agents/<agent>/mcp`, `Authorization: Bearer <token>` required (401
 * otherwise, 404 for another path). Each tool answers `<tool>: <arguments as JSON>`.
 */
export class TestGateway {
  readonly url: string;
  readonly requests: GatewayRequest[];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server, url: string, requests: GatewayRequest[]) {
    this.#server = server;
    this.url = url;
    this.requests = requests;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(options: {
    agent: string;
    token: string;
    tools?: readonly string[];
  }): Promise<TestGateway> {
    const path = `/agents/${options.agent}/mcp`;
    const tools = options.tools ?? FRACTA_TOOLS;
    const requests: GatewayRequest[] = [];
    const server = createServer((request, response) => {
      void handle(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      const authorization = request.headers.authorization ?? null;
      const record = (status: number) =>
        requests.push({
          method: request.method ?? '',
          path: request.url ?? '',
          authorization,
          status,
        });
      if ((request.url ?? '').split('?')[0] !== path) {
        record(404);
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      if (authorization !== `Bearer ${options.token}`) {
        record(401);
        response
          .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' })
          .end('{"error":"unauthorized"}');
        return;
      }
      record(200);
      const mcp = new McpServer({ name: 'fracta-test-gateway', version: '1.0.0' });
      for (const tool of tools) {
        mcp.registerTool(
          tool,
          {
            description: `fracta test tool ${tool}`,
            inputSchema: fromJsonSchema({ type: 'object', properties: { text: { type: 'string' } } }),
          },
          (args: unknown) => ({ content: [{ type: 'text', text: `${tool}: ${JSON.stringify(args)}` }] }),
        );
      }
      const transport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await mcp.connect(transport);
      response.once('close', () => {
        void mcp.close();
      });
      await transport.handleRequest(request, response);
    };
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new TestGateway(server, `http://127.0.0.1:${port}${path}`, requests);
  }

  /** Requests that carried the right token and reached the MCP server. */
  get accepted(): readonly GatewayRequest[] {
    return this.requests.filter((request) => request.status === 200);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}
