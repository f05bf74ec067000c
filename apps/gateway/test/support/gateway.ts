/** The gateway under test, built in this process by createGateway from the project's fracta.yaml (as main.ts builds it). */
import { loadConfig, parseEnv } from '@fracta/config';
import { CapturingLogger } from '@fracta/logger';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

import { gatewayEnvSchema, toAppConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { SystemClock } from '../../src/system-clock.js';

import { CP_TOKEN, type TestProject } from './control-plane.js';
import { waitFor } from './processes.js';

export interface RunningGateway {
  readonly url: string;
  readonly gateway: Gateway;
  readonly logs: CapturingLogger;
  /** `<url>/agents/<agent>/mcp` */
  endpoint(agent: string): string;
  /** The /readyz body. */
  readiness(): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startGateway(
  project: TestProject,
  controlPlaneUrl: string,
  env: Record<string, string> = {},
): Promise<RunningGateway> {
  const parsed = parseEnv(gatewayEnvSchema, {
    CONTROL_PLANE_URL: controlPlaneUrl,
    CONTROL_PLANE_TOKEN: CP_TOKEN,
    GATEWAY_LISTEN: '127.0.0.1:0',
    ...env,
  });
  const loaded = await loadConfig({ cwd: project.dir, env: process.env, path: project.configPath });
  const logs = new CapturingLogger();
  const gateway = createGateway(toAppConfig(parsed, loaded.config), {
    logger: logs,
    clock: new SystemClock(),
  });
  const address = await gateway.start();
  const url = `http://127.0.0.1:${address.port}`;
  const readiness = async () => {
    const response = await fetch(`${url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  // Identities are cached only once the control plane's events are followed: wait for it, so
  // that tests see the steady state (the first requests would otherwise always miss).
  await waitFor(async () => {
    const { body } = await readiness();
    return (body.control_plane as { events_followed?: boolean } | undefined)?.events_followed === true;
  }, 'the gateway to follow the control plane events');
  return {
    url,
    gateway,
    logs,
    endpoint: (agent) => `${url}/agents/${agent}/mcp`,
    readiness,
    close: () => gateway.stop(),
  };
}

/** An SDK v2 client connected to an agent's endpoint with its token. */
export async function connectAgent(url: string, token: string | null): Promise<Client> {
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** The text of a tool result's first text block. */
export function textOf(result: { content?: unknown }): string {
  const blocks = (result.content ?? []) as { type: string; text?: string }[];
  return blocks.find((block) => block.type === 'text')?.text ?? '';
}
