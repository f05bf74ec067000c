/**
 * The gateway's configuration: the flat environment (validated here, every variable documented)
 * plus the `gateway`, `mcp_servers` and `agents.agent_runtimes.*.tool_policy` sections of
 * fracta.yaml, resolved once in main.ts into a frozen AppConfig.
 */
import {
  durationEnv,
  type FractaConfig,
  listenAddressSchema,
  logLevelSchema,
  type McpServerConfig,
  parseListenAddress,
  secretEnv,
  urlSchema,
} from '@fracta/config';
import { z } from 'zod';

import type { PolicyConfig } from './policy/tool-policy.js';

const csv = z
  .string()
  .max(4096)
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

export const gatewayEnvSchema = z.object({
  /** Base URL of the control plane's HTTP API (the gateway reaches state only through it). */
  CONTROL_PLANE_URL: urlSchema(['http', 'https'], 'http://127.0.0.1:9090'),
  /** The control plane's bearer token; or CONTROL_PLANE_TOKEN_FILE naming a file that holds it. */
  CONTROL_PLANE_TOKEN: secretEnv().pipe(
    z.string().min(16, 'must be at least 16 characters (the control plane refuses shorter tokens)'),
  ),
  /** fracta.yaml to read (default: the nearest one from the working directory; none = defaults). */
  FRACTA_CONFIG: z.string().min(1).optional(),
  /** host:port to listen on, overriding gateway.listen (default 127.0.0.1:8080). */
  GATEWAY_LISTEN: listenAddressSchema.optional(),
  /** Extra Host header names accepted (comma-separated), e.g. "gateway" behind compose DNS. */
  GATEWAY_ALLOWED_HOSTS: csv.optional(),
  /** Browser origins accepted (comma-separated, e.g. "http://localhost:6274"); none by default. */
  GATEWAY_ALLOWED_ORIGINS: csv.optional(),
  /** Largest request body accepted on /agents/<agent>/mcp, in bytes. */
  GATEWAY_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /** How long a token's identity is trusted without asking the control plane again (agent ends revoke it at once). */
  GATEWAY_IDENTITY_TTL: durationEnv({ positive: true }).prefault('30s'),
  /** Longest a backend tool call may run before the gateway gives up on it. */
  GATEWAY_TOOL_TIMEOUT: durationEnv({ positive: true }).prefault('10m'),
  /** Longest connecting to a backend (start + initialize + tools/list) may take. */
  GATEWAY_CONNECT_TIMEOUT: durationEnv({ positive: true }).prefault('30s'),
  /** Log level, overriding observability.log_level. */
  LOG_LEVEL: logLevelSchema.optional(),
});
export type GatewayEnv = z.output<typeof gatewayEnvSchema>;

export type BackendConfig =
  | {
      readonly name: string;
      readonly transport: 'stdio';
      readonly command: string;
      readonly args: readonly string[];
      readonly env: Readonly<Record<string, string>>;
    }
  | {
      readonly name: string;
      readonly transport: 'streamable-http' | 'sse';
      readonly url: string;
      readonly headers: Readonly<Record<string, string>>;
    };

export interface AppConfig {
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Host header names accepted; null = any (bound to a non-loopback address without a gateway.url). */
    readonly allowedHosts: readonly string[] | null;
    readonly allowedOrigins: readonly string[];
    readonly maxBodyBytes: number;
  };
  readonly controlPlane: { readonly url: string; readonly token: string };
  readonly identityTtlMs: number;
  readonly toolTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly backends: readonly BackendConfig[];
  readonly policy: PolicyConfig;
  readonly log: { readonly level: FractaConfig['observability']['log_level'] };
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostOfUrl(url: string): string {
  return new URL(url).hostname;
}

function allowedHostsFor(host: string, fracta: FractaConfig, extra: readonly string[]): string[] | null {
  const names = new Set(extra.map((name) => name.toLowerCase()));
  if (fracta.gateway.url !== undefined) names.add(hostOfUrl(fracta.gateway.url).toLowerCase());
  if (isLoopbackHost(host)) {
    for (const name of LOOPBACK_NAMES) names.add(name);
    names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    return [...names];
  }
  // Bound to a public address and told no name: any Host (the token still guards every agent route).
  if (names.size === 0) return null;
  if (host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') ? `[${host}]` : host);
  return [...names];
}

function backendOf(name: string, server: McpServerConfig): BackendConfig {
  return server.transport === 'stdio'
    ? Object.freeze({
        name,
        transport: 'stdio',
        command: server.command,
        args: Object.freeze([...server.args]),
        env: Object.freeze({ ...server.env }),
      })
    : Object.freeze({
        name,
        transport: server.transport,
        url: server.url,
        headers: Object.freeze({ ...server.headers }),
      });
}

export function toAppConfig(env: GatewayEnv, fracta: FractaConfig): AppConfig {
  const listenText = env.GATEWAY_LISTEN ?? fracta.gateway.listen;
  const listen = parseListenAddress(listenText);
  if (listen === undefined) throw new Error(`listen address is not host:port: ${listenText}`);
  const runtimes: Record<string, PolicyConfig['global'] | undefined> = {};
  for (const [runtime, settings] of Object.entries(fracta.agents.agent_runtimes))
    runtimes[runtime] = settings.tool_policy;
  return Object.freeze({
    http: Object.freeze({
      host: listen.host,
      port: listen.port,
      allowedHosts: allowedHostsFor(listen.host, fracta, env.GATEWAY_ALLOWED_HOSTS ?? []),
      allowedOrigins: Object.freeze([...(env.GATEWAY_ALLOWED_ORIGINS ?? [])]),
      maxBodyBytes: env.GATEWAY_MAX_BODY_BYTES,
    }),
    controlPlane: Object.freeze({
      url: env.CONTROL_PLANE_URL.replace(/\/+$/, ''),
      token: env.CONTROL_PLANE_TOKEN,
    }),
    identityTtlMs: env.GATEWAY_IDENTITY_TTL,
    toolTimeoutMs: env.GATEWAY_TOOL_TIMEOUT,
    connectTimeoutMs: env.GATEWAY_CONNECT_TIMEOUT,
    backends: Object.freeze(
      Object.entries(fracta.mcp_servers).map(([name, server]) => backendOf(name, server)),
    ),
    policy: Object.freeze({
      global: fracta.gateway.tool_policy,
      runtimes: Object.freeze(runtimes),
      agents: Object.freeze({ ...fracta.gateway.agent_policies }),
      backends: Object.freeze(
        Object.fromEntries(Object.entries(fracta.mcp_servers).map(([name, s]) => [name, s.tool_policy])),
      ),
    }),
    log: Object.freeze({ level: env.LOG_LEVEL ?? fracta.observability.log_level }),
  });
}
