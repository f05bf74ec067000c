import { newAgentRecord } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import {
  agentViewSchema,
  killQuerySchema,
  listAgentsQuerySchema,
  spawnRequestSchema,
  toAgentView,
} from './agents.contract.js';
import { eventsQuerySchema, eventViewSchema, toEventView } from './events.contract.js';

const at = new Date('2026-05-06T07:08:09.000Z');

describe('spawnRequestSchema', () => {
  it('should accept a command spawn and a claude spawn', () => {
    expect(
      spawnRequestSchema.parse({ name: 'lint-fix', runtime: 'command', command: ['./fix.sh', '--all'] }),
    ).toEqual({
      name: 'lint-fix',
      runtime: 'command',
      command: ['./fix.sh', '--all'],
    });
    expect(
      spawnRequestSchema.safeParse({ name: 'a', runtime: 'claude', prompt: 'hi', base_branch: 'release/1.2' })
        .success,
    ).toBe(true);
  });

  it('should reject unknown fields, bad names, bad branches and misplaced commands, naming the field', () => {
    const paths = (body: unknown) => [
      ...new Set(spawnRequestSchema.safeParse(body).error?.issues.map((i) => i.path.join('.'))),
    ];
    expect(paths({ name: 'a', runtime: 'command', command: ['x'], extra: 1 })).toEqual(['']);
    expect(paths({ name: '-a', runtime: 'command', command: ['x'] })).toEqual(['name']);
    expect(paths({ name: 'a', runtime: 'command' })).toEqual(['command']);
    expect(paths({ name: 'a', runtime: 'claude', command: ['x'] })).toEqual(['command']);
    for (const branch of ['-x', 'a..b', 'a b', 'x.lock', 'a/', '']) {
      expect(paths({ name: 'a', base_branch: branch })).toEqual(['base_branch']);
    }
    expect(paths({ name: 'a', prompt: 'p'.repeat(256 * 1024 + 1) })).toEqual(['prompt']);
  });
});

describe('listAgentsQuerySchema', () => {
  it('should parse comma lists, label pairs and defaults', () => {
    expect(
      listAgentsQuerySchema.parse({ status: 'running,queued', label: 'team=core,tier=1', limit: '20' }),
    ).toEqual({
      status: ['running', 'queued'],
      label: { team: 'core', tier: '1' },
      limit: 20,
    });
    expect(listAgentsQuerySchema.parse({}).limit).toBe(100);
  });

  it('should reject unknown statuses, bad label pairs, huge limits and unknown parameters', () => {
    expect(listAgentsQuerySchema.safeParse({ status: 'running,sleeping' }).success).toBe(false);
    expect(listAgentsQuerySchema.safeParse({ label: 'team' }).success).toBe(false);
    expect(listAgentsQuerySchema.safeParse({ limit: '501' }).success).toBe(false);
    expect(listAgentsQuerySchema.safeParse({ colour: 'red' }).success).toBe(false);
  });
});

describe('killQuerySchema', () => {
  it('should read keep_files as a boolean', () => {
    expect(killQuerySchema.parse({ keep_files: 'true' })).toEqual({ keep_files: true });
    expect(killQuerySchema.parse({ keep_files: '0' })).toEqual({ keep_files: false });
    expect(killQuerySchema.safeParse({ keep_files: 'yes please' }).success).toBe(false);
  });
});

describe('views', () => {
  it('should produce agent views that satisfy their own schema', () => {
    const agent = {
      ...newAgentRecord({
        draft: { name: 'viewed', runtime: 'claude', labels: { a: 'b' } },
        trigger: 'start',
        at,
      }),
      usage: { inputTokens: 1, outputTokens: 2, costUsd: 0.01 },
      resumeToken: 'sess',
    };
    const view = toAgentView(agent);
    expect(agentViewSchema.parse(view)).toEqual(view);
    expect(view).toMatchObject({
      started_at: at.toISOString(),
      resumable: true,
      usage: { input_tokens: 1, cost_usd: 0.01 },
    });
    expect(JSON.stringify(view)).not.toContain('sess');
  });

  it('should produce event views that satisfy their own schema', () => {
    const view = toEventView({
      id: 7,
      ts: at,
      component: 'lifecycle',
      category: 'agent',
      resource: 'agent/x',
      action: 'agent.started',
      outcome: 'success',
      severity: 'info',
      agent: 'x',
      run: null,
      attrs: { from: 'new' },
    });
    expect(eventViewSchema.parse(view)).toEqual(view);
    expect(eventsQuerySchema.parse({ since: '7' })).toEqual({ since: 7, limit: 100 });
    expect(eventsQuerySchema.safeParse({ since: '-1' }).success).toBe(false);
  });
});
