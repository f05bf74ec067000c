import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startControlPlane, TOKEN, type Harness } from './harness.js';

/** A raw request, for headers fetch() won't let us set (Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('control plane HTTP edge', () => {
  let cp: Harness;

  beforeAll(async () => {
    cp = await startControlPlane();
  });

  afterAll(async () => {
    await cp.close();
  });

  it('should answer /healthz without a token', async () => {
    const response = await fetch(`${cp.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('should refuse the API without a token, or with a wrong one, as 401 with an error body', async () => {
    const none = await fetch(`${cp.url}/api/v1/agents`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('missing bearer token') as unknown },
    });
    const wrong = await cp.call('/api/v1/agents', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe(
      'invalid bearer token',
    );
    expect((await cp.call('/metrics', { headers: { authorization: '' } })).status).toBe(401);
  });

  it('should refuse a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    const rebound = await rawGet(`${cp.url}/api/v1/agents`, {
      host: 'evil.example',
      authorization: `Bearer ${TOKEN}`,
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('HOST_FORBIDDEN');
    const cross = await cp.call('/api/v1/agents', { headers: { origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_FORBIDDEN');
    expect((await cp.call('/api/v1/agents', { headers: { origin: 'http://localhost:5173' } })).status).toBe(
      200,
    );
  });

  it('should reject bad names, unknown parameters and unknown routes with a 4xx error body', async () => {
    const badName = await cp.call('/api/v1/agents/-nope');
    expect(badName.status).toBe(400);
    expect(await badName.json()).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    const unknownParam = await cp.call('/api/v1/agents?colour=red');
    expect(unknownParam.status).toBe(400);
    expect(((await unknownParam.json()) as { error: { message: string } }).error.message).toContain('colour');
    const missing = await cp.call('/api/v1/agents/ghost');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'AGENT_NOT_FOUND' } });
    const route = await cp.call('/api/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(await route.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });

  it('should list agents with filters and paging, and their runs', async () => {
    const at = new Date();
    for (let i = 0; i < 5; i++) {
      await cp.store.agents.create({
        draft: {
          name: `listed-${i}`,
          runtime: i % 2 ? 'codex' : 'claude',
          labels: { team: i < 2 ? 'a' : 'b' },
        },
        trigger: i === 4 ? 'enqueue' : 'start',
        at,
      });
    }
    await cp.store.runs.create({ id: 'run-x', agent: 'listed-0', kind: 'initial', startedAt: at });
    const first = (await (await cp.call('/api/v1/agents?limit=2')).json()) as {
      agents: { name: string }[];
      next_cursor: string;
    };
    expect(first.agents.map((a) => a.name)).toEqual(['listed-0', 'listed-1']);
    const second = (await (await cp.call(`/api/v1/agents?limit=2&cursor=${first.next_cursor}`)).json()) as {
      agents: { name: string }[];
    };
    expect(second.agents.map((a) => a.name)).toEqual(['listed-2', 'listed-3']);
    const filtered = (await (
      await cp.call('/api/v1/agents?status=running&runtime=claude&label=team%3Db')
    ).json()) as {
      agents: { name: string }[];
    };
    expect(filtered.agents.map((a) => a.name)).toEqual(['listed-2']);
    const runs = (await (await cp.call('/api/v1/agents/listed-0/runs')).json()) as {
      runs: { id: string; seq: number }[];
    };
    expect(runs.runs).toEqual([expect.objectContaining({ id: 'run-x', seq: 1 })]);
  });

  it('should page through events and stream them over SSE from Last-Event-ID, then live', async () => {
    const at = new Date();
    await cp.store.agents.create({ draft: { name: 'watched', runtime: 'command' }, trigger: 'start', at });
    const page = (await (await cp.call('/api/v1/events?agent=watched')).json()) as {
      events: { id: number; action: string }[];
      next_since: number;
    };
    expect(page.events.map((e) => e.action)).toEqual(['agent.started']);
    const startId = page.events[0]?.id ?? 0;

    const abort = new AbortController();
    const response = await cp.call('/api/v1/watch?agent=watched', {
      headers: { 'last-event-id': String(startId - 1) },
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(chunk.value as Uint8Array);
      }
    };
    await readUntil('event: agent.started');
    expect(text).toContain(`id: ${startId}\n`);
    await cp.store.agents.transition({ name: 'watched', trigger: 'complete', at: new Date() });
    await readUntil('event: agent.completed');
    abort.abort();
  });

  it('should expose Prometheus metrics with agent counts and request counters', async () => {
    const response = await cp.call('/metrics');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/fracta_agents\{status="running"\} \d+/);
    expect(text).toContain('fracta_http_requests_total');
  });
});
