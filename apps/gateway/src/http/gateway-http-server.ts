/**
 * The gateway's HTTP edge (node:http): `/agents/<agent>/mcp` behind Host/Origin checks, the
 * agent's bearer token and a body limit; `/healthz` (liveness), `/readyz` (per-backend health,
 * 503 while the control plane does not answer) and `/metrics` (Prometheus, with the control
 * plane's token). A bad request gets a JSON-RPC error and touches nothing else.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { AGENT_NAME_PATTERN, isDomainError, toError } from '@fracta/domain';
import type { Logger } from '@fracta/logger';

import { type AppConfig, isLoopbackHost } from '../config.js';
import type { IdentityCache } from '../identity/identity-cache.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';

import type { AgentActivity } from './agent-activity.js';
import type { McpEndpoint } from './mcp-endpoint.js';

export interface Readiness {
  /** The /readyz body; `ready` decides 200 or 503. */
  check(): Promise<{ ready: boolean } & Record<string, unknown>>;
}

export interface GatewayHttpDeps {
  readonly config: AppConfig['http'];
  /** Bearer token /metrics requires (the control plane's). */
  readonly metricsToken: string;
  readonly identities: IdentityCache;
  readonly endpoint: McpEndpoint;
  readonly readiness: Readiness;
  readonly metrics: GatewayMetrics;
  readonly activity: AgentActivity;
  readonly logger: Logger;
}

const MCP_PATH = /^\/agents\/([^/?#]+)\/mcp\/?$/;
const JSON_TYPE = 'application/json';
const started = Date.now();

/** A JSON-RPC error answer (id null: the request was not, or could not be, read). */
function rpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res
    .writeHead(status, {
      'content-type': JSON_TYPE,
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    })
    .end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res
    .writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(body)) })
    .end(body);
}

function bearerOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  return (host.split(':')[0] ?? '').toLowerCase();
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

class BodyTooLargeError extends Error {}

export class GatewayHttpServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #loopbackBind: boolean;
  readonly #allowedHosts: ReadonlySet<string> | null;
  readonly #allowedOrigins: ReadonlySet<string>;

  constructor(private readonly deps: GatewayHttpDeps) {
    this.#loopbackBind = isLoopbackHost(deps.config.host);
    this.#allowedHosts = deps.config.allowedHosts === null ? null : new Set(deps.config.allowedHosts);
    this.#allowedOrigins = new Set(
      deps.config.allowedOrigins.map((origin) => origin.replace(/\/+$/, '').toLowerCase()),
    );
    this.#server = createServer((req, res) => {
      void this.#handle(req, res).catch((error: unknown) => {
        deps.logger.error('request failed', { err: toError(error), url: req.url?.split('?')[0] });
        if (!res.headersSent) rpcError(res, 500, -32603, 'internal error');
        else res.destroy();
      });
    });
    // Tool calls may run for minutes; a slow body or header trickle still times out.
    this.#server.requestTimeout = 0;
    this.#server.headersTimeout = 30_000;
    this.#server.keepAliveTimeout = 65_000;
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Binds the configured address; rejects with the listen error (EADDRINUSE…). */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        reject(error);
      };
      this.#server.once('error', onError);
      this.#server.listen(this.deps.config.port, this.deps.config.host, () => {
        this.#server.off('error', onError);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting, lets answers in progress finish for up to `graceMs`, then closes what is left. */
  async close(graceMs = 5_000): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
    this.#server.closeIdleConnections();
    const timer = setTimeout(() => {
      for (const socket of this.#sockets) socket.destroy();
    }, graceMs);
    await closed;
    clearTimeout(timer);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = await this.#route(req, res, path);
    this.deps.metrics.httpRequests.inc({ route, status: String(res.statusCode) });
  }

  async #route(req: IncomingMessage, res: ServerResponse, path: string): Promise<string> {
    if (path === '/healthz') {
      json(res, 200, { status: 'ok', uptime_s: Math.round((Date.now() - started) / 1000) });
      return 'healthz';
    }
    if (path === '/readyz') {
      const report = await this.deps.readiness.check();
      json(res, report.ready ? 200 : 503, report);
      return 'readyz';
    }
    if (!this.#hostAllowed(req)) {
      rpcError(
        res,
        403,
        -32000,
        'Host not allowed (DNS rebinding protection): use the gateway URL fracta gave the agent',
      );
      return 'forbidden_host';
    }
    if (!this.#originAllowed(req)) {
      rpcError(res, 403, -32000, 'Origin not allowed: the gateway refuses cross-origin browser requests');
      return 'forbidden_origin';
    }
    if (path === '/metrics') {
      const token = bearerOf(req.headers.authorization);
      if (token === null || !sameSecret(token, this.deps.metricsToken)) {
        json(res, 401, {
          error: { code: 'UNAUTHENTICATED', message: 'send the control plane token as a bearer token' },
        });
        return 'metrics';
      }
      const text = await this.deps.metrics.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
      return 'metrics';
    }
    const match = MCP_PATH.exec(path);
    const agent = match?.[1];
    if (agent === undefined || !AGENT_NAME_PATTERN.test(agent)) {
      json(res, 404, { error: { code: 'NOT_FOUND', message: 'the MCP endpoint is /agents/<agent>/mcp' } });
      return 'not_found';
    }
    await this.#mcp(req, res, agent);
    return 'mcp';
  }

  async #mcp(req: IncomingMessage, res: ServerResponse, agent: string): Promise<void> {
    const token = bearerOf(req.headers.authorization);
    const challenge = { 'www-authenticate': 'Bearer realm="fracta-gateway"' };
    if (token === null || token.length < 16 || token.length > 512) {
      this.deps.metrics.identityLookups.inc({ result: 'invalid' });
      rpcError(
        res,
        401,
        -32001,
        'missing or malformed gateway token: send Authorization: Bearer $FRACTA_GATEWAY_TOKEN',
        challenge,
      );
      return;
    }
    let identity;
    try {
      identity = await this.deps.identities.resolve(token);
    } catch (error) {
      if (isDomainError(error) && error.code === 'GATEWAY_CREDENTIAL_INVALID') {
        this.deps.metrics.identityLookups.inc({ result: 'invalid' });
        rpcError(
          res,
          401,
          -32001,
          'gateway token not valid (unknown, revoked, or its agent has ended)',
          challenge,
        );
        return;
      }
      const transient = isDomainError(error) && error.category === 'transient';
      if (isDomainError(error) && error.code === 'UNAUTHENTICATED') {
        this.deps.logger.error('the control plane refused the gateway: check CONTROL_PLANE_TOKEN', { agent });
      } else {
        this.deps.logger.warn('identify failed', { agent, err: toError(error) });
      }
      rpcError(
        res,
        transient ? 503 : 502,
        -32603,
        'the control plane could not check the token; try again',
        transient ? { 'retry-after': '1' } : {},
      );
      return;
    }
    if (identity.name !== agent) {
      rpcError(
        res,
        403,
        -32001,
        `this token belongs to another agent; use your own endpoint /agents/${identity.name}/mcp`,
      );
      return;
    }
    this.deps.activity.touch(agent);
    if (req.method !== 'POST') {
      // Stateless serving: no server-initiated stream and no session to end.
      rpcError(res, 405, -32000, 'Method not allowed: this endpoint takes POST only', { allow: 'POST' });
      return;
    }
    let body: unknown;
    try {
      body = await this.#readJson(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        rpcError(res, 413, -32600, `request body larger than ${this.deps.config.maxBodyBytes} bytes`, {
          connection: 'close',
        });
        return;
      }
      rpcError(res, 400, -32700, `Parse error: ${toError(error).message.slice(0, 200)}`);
      return;
    }
    this.deps.metrics.inflight.inc();
    try {
      await this.deps.endpoint.handle(req, res, body, identity);
    } finally {
      this.deps.metrics.inflight.dec();
    }
  }

  /** The body as JSON, read with listeners (an async iterator costs an error object per request). */
  #readJson(req: IncomingMessage): Promise<unknown> {
    const limit = this.deps.config.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) return Promise.reject(new BodyTooLargeError());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.off('data', onData);
          req.pause();
          reject(new BodyTooLargeError());
          return;
        }
        chunks.push(chunk);
      };
      req.on('data', onData);
      req.once('error', reject);
      req.once('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
        } catch (error) {
          reject(toError(error));
        }
      });
    });
  }

  #hostAllowed(req: IncomingMessage): boolean {
    if (this.#allowedHosts === null) return true;
    const host = req.headers.host;
    return host !== undefined && this.#allowedHosts.has(hostnameOf(host));
  }

  #originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const normalized = origin.replace(/\/+$/, '').toLowerCase();
    if (this.#allowedOrigins.has(normalized)) return true;
    if (!this.#loopbackBind) return false;
    try {
      return isLoopbackHost(new URL(origin).hostname);
    } catch {
      return false;
    }
  }
}
