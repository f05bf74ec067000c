/**
 * The gateway's edge: per-agent tokens (401/403, revoked at the kill), tool policy on list and
 * call (per runtime, per agent, per backend), Host/Origin checks, and bad requests that get a
 * JSON-RPC error while a healthy client keeps being served.
 */
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

import { freePort } from '@fracta/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/client';

import { stdioBackendYaml } from '../support/backends.js';
import {
  CP_TOKEN,
  makeProject,
  startControlPlane,
  type RunningControlPlane,
} from '../support/control-plane.js';
import { connectAgent, startGateway, textOf, type RunningGateway } from '../support/gateway.js';
import { waitFor } from '../support/processes.js';

const MAX_BODY = 64 * 1024;
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP request with full control of the headers (Host included). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const rpcErrorOf = (answer: RawAnswer) =>
  (JSON.parse(answer.body) as { error: { code: number; message: string } }).error;

describe('gateway security', () => {
  let cp: RunningControlPlane;
  let gw: RunningGateway;
  let alphaToken: string;
  let betaToken: string;

  beforeAll(async () => {
    const cpPort = await freePort();
    const project = await makeProject(
      (dir) =>
        [
          'agents:',
          '  agent_runtimes:',
          '    command:',
          '      tool_policy:',
          '        deny: ["files__secret_*"]',
          '    claude:',
          '      tool_policy:',
          '        deny: ["files__echo"]',
          'gateway:',
          '  agent_policies:',
          '    "restricted-*":',
          '      allow: ["fracta_*"]',
          '      deny: ["fracta_spawn"]',
          'mcp_servers:',
          stdioBackendYaml('files', join(dir, 'files-starts.txt'), { policy: '{ deny: ["slow"] }' }),
        ].join('\n'),
      cpPort,
    );
    cp = await startControlPlane(project, cpPort);
    gw = await startGateway(project, cp.url, { GATEWAY_MAX_BODY_BYTES: String(MAX_BODY) });
    alphaToken = await cp.spawnAgent('alpha');
    betaToken = await cp.spawnAgent('beta');
  });

  afterAll(async () => {
    await gw.close();
    await cp.close();
  });

  describe('tokens', () => {
    it('should refuse a request without a token, with a malformed one, or with an unknown one (401)', async () => {
      for (const headers of [
        {},
        { authorization: 'Bearer' },
        { authorization: `Basic ${alphaToken}` },
        { authorization: `Bearer ${'x'.repeat(43)}` },
      ]) {
        const answer = await raw(gw.endpoint('alpha'), { headers, body: JSON.stringify(INITIALIZE) });
        expect(answer.status).toBe(401);
        expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(rpcErrorOf(answer).code).toBe(-32001);
      }
      await expect(connectAgent(gw.endpoint('alpha'), null)).rejects.toThrow();
    });

    it("should refuse an agent's token on another agent's endpoint (403)", async () => {
      for (const path of ['beta', 'nobody']) {
        const answer = await raw(gw.endpoint(path), {
          headers: { authorization: `Bearer ${alphaToken}` },
          body: JSON.stringify(INITIALIZE),
        });
        expect(answer.status).toBe(403);
        expect(rpcErrorOf(answer).message).toContain('/agents/alpha/mcp');
      }
      const own = await raw(gw.endpoint('beta'), {
        headers: { authorization: `Bearer ${betaToken}` },
        body: JSON.stringify(INITIALIZE),
      });
      expect(own.status).toBe(200);
    });

    it('should refuse the token of a killed agent as soon as the kill returns, though its identity was cached', async () => {
      for (const name of ['doomed-1', 'doomed-2', 'doomed-3']) {
        const token = await cp.spawnAgent(name);
        const client = await connectAgent(gw.endpoint(name), token);
        await client.listTools();
        await client.listTools();
        const hits = await identityHits();
        await client.listTools();
        expect(await identityHits()).toBeGreaterThan(hits); // served from the cache
        await cp.kill(name);
        const answer = await raw(gw.endpoint(name), {
          headers: { authorization: `Bearer ${token}` },
          body: JSON.stringify(INITIALIZE),
        });
        expect(answer.status).toBe(401);
        await expect(client.listTools()).rejects.toThrow();
        await client.close().catch(() => undefined);
      }
    });

    async function identityHits(): Promise<number> {
      const text = await gw.gateway.metrics.render();
      const line = text
        .split('\n')
        .find((entry) => entry.startsWith('fracta_gateway_identity_lookups_total{result="hit"}'));
      return Number(line?.split(' ')[1] ?? '0');
    }
  });

  describe('tool policy', () => {
    let alpha: Client;
    let restricted: Client;

    beforeAll(async () => {
      alpha = await connectAgent(gw.endpoint('alpha'), alphaToken);
      restricted = await connectAgent(gw.endpoint('restricted-1'), await cp.spawnAgent('restricted-1'));
    });

    afterAll(async () => {
      await alpha.close();
      await restricted.close();
    });

    const names = async (client: Client) => (await client.listTools()).tools.map((tool) => tool.name);

    it("should hide and refuse a tool the agent's runtime denies, and ignore other runtimes' policies", async () => {
      const listed = await names(alpha);
      expect(listed).not.toContain('files__secret_dump');
      expect(listed).toContain('files__echo'); // denied for claude agents only
      await expect(alpha.callTool({ name: 'files__secret_dump', arguments: {} })).rejects.toThrow(
        /Tool files__secret_dump not found/,
      );
      expect(textOf(await alpha.callTool({ name: 'files__echo', arguments: { text: 'ok' } }))).toBe(
        'files echo: ok',
      );
      await waitFor(async () => {
        const events = (await cp.client.events({ agent: 'alpha', limit: 500 })).events;
        return events.some(
          (e) => e.action === 'tool_call' && e.outcome === 'rejected' && e.attrs.tool === 'secret_dump',
        );
      }, 'the refused call in the event log');
    });

    it("should hide and refuse a tool the backend's own policy denies, matched on the backend's name for it", async () => {
      expect(await names(alpha)).not.toContain('files__slow');
      await expect(alpha.callTool({ name: 'files__slow', arguments: { ms: 1 } })).rejects.toThrow(
        /not found/,
      );
    });

    it('should apply the policies of the agent-name globs that match the agent', async () => {
      const listed = await names(restricted);
      expect(listed.sort()).toEqual([
        'fracta_inbox',
        'fracta_list',
        'fracta_peek',
        'fracta_report',
        'fracta_send',
        'fracta_set_intent',
      ]);
      await expect(restricted.callTool({ name: 'files__echo', arguments: { text: 'x' } })).rejects.toThrow(
        /not found/,
      );
      await expect(
        restricted.callTool({
          name: 'fracta_spawn',
          arguments: { name: 'sneaky', runtime: 'command', command: ['true'] },
        }),
      ).rejects.toThrow(/not found/);
      expect((await restricted.callTool({ name: 'fracta_list', arguments: {} })).isError).toBeFalsy();
      await expect(cp.client.getAgent('sneaky')).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('bad requests', () => {
    it('should answer malformed and oversized requests with a JSON-RPC error while a healthy client keeps being served', async () => {
      const healthy = await connectAgent(gw.endpoint('beta'), betaToken);
      const stop = new AbortController();
      let served = 0;
      const loop = (async () => {
        while (!stop.signal.aborted) {
          const result = await healthy.callTool({ name: 'files__echo', arguments: { text: `n${served}` } });
          expect(textOf(result)).toBe(`files echo: n${served}`);
          served += 1;
        }
      })();
      const auth = { authorization: `Bearer ${alphaToken}` };
      for (let round = 0; round < 5; round += 1) {
        const malformed = await raw(gw.endpoint('alpha'), {
          headers: auth,
          body: '{"jsonrpc":"2.0","id":1,"method":',
        });
        expect(malformed.status).toBe(400);
        expect(rpcErrorOf(malformed).code).toBe(-32700);
        const notRpc = await raw(gw.endpoint('alpha'), { headers: auth, body: '{"hello":"world"}' });
        expect(notRpc.status).toBeGreaterThanOrEqual(400);
        expect(rpcErrorOf(notRpc).code).toBeLessThan(0);
        const big = JSON.stringify({
          ...INITIALIZE,
          params: { ...INITIALIZE.params, pad: 'x'.repeat(MAX_BODY) },
        });
        const oversized = await raw(gw.endpoint('alpha'), { headers: auth, body: big });
        expect(oversized.status).toBe(413);
        expect(rpcErrorOf(oversized).code).toBe(-32600);
        const chunked = await raw(gw.endpoint('alpha'), {
          headers: { ...auth, 'transfer-encoding': 'chunked' },
          body: Buffer.from(big),
        });
        expect(chunked.status).toBe(413);
      }
      const servedDuringAbuse = served;
      stop.abort();
      await loop;
      await healthy.close();
      expect(servedDuringAbuse).toBeGreaterThan(5);
      expect((await gw.readiness()).status).toBe(200);
    });

    it('should take POST only', async () => {
      const answer = await raw(gw.endpoint('alpha'), {
        method: 'GET',
        headers: { authorization: `Bearer ${alphaToken}` },
      });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('POST');
    });

    it('should refuse foreign Host and Origin headers (DNS rebinding) and accept loopback ones', async () => {
      const auth = { authorization: `Bearer ${alphaToken}` };
      const body = JSON.stringify(INITIALIZE);
      expect(
        (await raw(gw.endpoint('alpha'), { headers: { ...auth, host: 'evil.example' }, body })).status,
      ).toBe(403);
      expect(
        (await raw(gw.endpoint('alpha'), { headers: { ...auth, origin: 'https://evil.example' }, body }))
          .status,
      ).toBe(403);
      expect(
        (
          await raw(gw.endpoint('alpha'), {
            headers: { ...auth, host: `localhost:${new URL(gw.url).port}` },
            body,
          })
        ).status,
      ).toBe(200);
      expect(
        (await raw(gw.endpoint('alpha'), { headers: { ...auth, origin: 'http://localhost:6274' }, body }))
          .status,
      ).toBe(200);
    });

    it('should serve /metrics with the control plane token only, and /healthz without one', async () => {
      expect((await raw(`${gw.url}/metrics`, { method: 'GET' })).status).toBe(401);
      expect(
        (
          await raw(`${gw.url}/metrics`, {
            method: 'GET',
            headers: { authorization: `Bearer ${alphaToken}` },
          })
        ).status,
      ).toBe(401);
      const metrics = await raw(`${gw.url}/metrics`, {
        method: 'GET',
        headers: { authorization: `Bearer ${CP_TOKEN}` },
      });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain(
        'fracta_gateway_tool_calls_total{tool="files__echo",kind="backend",backend="files",outcome="success"}',
      );
      expect(metrics.body).toContain(
        'fracta_gateway_tool_calls_total{tool="files__secret_dump",kind="backend",backend="files",outcome="rejected"}',
      );
      expect((await raw(`${gw.url}/healthz`, { method: 'GET' })).status).toBe(200);
      expect(
        (
          await raw(`${gw.url}/nowhere`, {
            method: 'GET',
            headers: { authorization: `Bearer ${alphaToken}` },
          })
        ).status,
      ).toBe(404);
    });
  });
});
