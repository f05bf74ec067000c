import {
  AgentAlreadyExistsError,
  AgentRepository,
  AgentTransitionInvalidError,
  CredentialRepository,
  EVENT_LIMITS,
  EventRepository,
  LIMITS,
  MessageRepository,
  MissionRepository,
  RunRepository,
  ValidationError,
} from '@fracta/domain';
import { beforeEach, describe, expect, it } from '@jest/globals';

import { FixedClock, TEST_EPOCH } from './clock.js';
import {
  aCredentialDraft,
  aMessageDraft,
  aMissionDraft,
  anAgentDraft,
  anEventDraft,
  aRunDraft,
} from './factories.js';
import { MemoryCredentialRepository } from './memory-credential.repository.js';
import { MemoryMissionRepository } from './memory-mission.repository.js';
import { MemoryRunRepository } from './memory-run.repository.js';
import { createMemoryStore, type MemoryStore } from './memory-store.js';

const at = (offsetMs: number): Date => new Date(TEST_EPOCH.getTime() + offsetMs);

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe(createMemoryStore.name, () => {
  let store: MemoryStore;

  beforeEach(() => {
    store = createMemoryStore();
  });

  async function running(name: string, mode: 'batch' | 'stream' = 'batch'): Promise<void> {
    await store.agents.create({ draft: anAgentDraft({ name, mode }), trigger: 'start', at: at(0) });
  }

  it('should implement every repository port', () => {
    expect(store.agents).toBeInstanceOf(AgentRepository);
    expect(store.events).toBeInstanceOf(EventRepository);
    expect(store.messages).toBeInstanceOf(MessageRepository);
    expect(store.runs).toBeInstanceOf(RunRepository);
    expect(store.credentials).toBeInstanceOf(CredentialRepository);
    expect(store.missions).toBeInstanceOf(MissionRepository);
  });

  it('should expose the clock it is given, or a clock at TEST_EPOCH', () => {
    const clock = new FixedClock(at(42));

    expect(createMemoryStore({ clock }).clock).toBe(clock);
    expect(store.clock.now()).toEqual(TEST_EPOCH);
  });

  it('should keep stores apart', async () => {
    await running('alone');

    expect(await createMemoryStore().agents.find('alone')).toBeNull();
  });

  describe('agents', () => {
    it('should fill the defaults of a created agent and record the creation event in the store', async () => {
      const { agent, event } = await store.agents.create({
        draft: { name: 'fresh', runtime: 'claude' },
        trigger: 'enqueue',
        at: at(1),
        run: 'run-0001',
        attrs: { prompt: 'p-1' },
      });

      expect(agent).toEqual({
        name: 'fresh',
        runtime: 'claude',
        mode: 'batch',
        status: 'queued',
        workspacePath: null,
        branch: null,
        baseBranch: null,
        resumeToken: null,
        intent: null,
        lastOutput: null,
        parentAgent: null,
        labels: {},
        createdAt: at(1),
        startedAt: null,
        finishedAt: null,
        exitCode: null,
        failureReason: null,
        usage: null,
        currentRunId: 'run-0001',
      });
      expect(event).toMatchObject({ id: 1, action: 'agent.queued', run: 'run-0001' });
      expect(event.attrs).toEqual({ runtime: 'claude', prompt: 'p-1', from: 'new', to: 'queued' });
      expect(await store.events.list({ limit: 10 })).toEqual([event]);
    });

    it('should refuse a duplicate without a second event', async () => {
      await running('twin');

      expect(await rejectionOf(running('twin'))).toBeInstanceOf(AgentAlreadyExistsError);
      expect(await store.events.latestId()).toBe(1);
    });

    it('should hand out copies that cannot change the stored agent', async () => {
      const { agent } = await store.agents.create({
        draft: anAgentDraft({ name: 'copied', labels: { team: 'core' } }),
        trigger: 'start',
        at: at(0),
      });
      (agent.labels as Record<string, string>).team = 'changed';
      agent.createdAt.setTime(0);
      const fetched = await store.agents.get('copied');
      fetched.startedAt?.setTime(0);

      const again = await store.agents.get('copied');
      expect(again.labels).toEqual({ team: 'core' });
      expect(again.createdAt).toEqual(at(0));
      expect(again.startedAt).toEqual(at(0));
      expect(again.createdAt).not.toBe(fetched.createdAt);
    });

    it('should not hold on to the caller request objects', async () => {
      const labels = { team: 'core' };
      const when = at(0);
      await store.agents.create({
        draft: anAgentDraft({ name: 'owned', labels }),
        trigger: 'start',
        at: when,
      });
      labels.team = 'changed';
      when.setTime(0);

      expect(await store.agents.get('owned')).toMatchObject({ labels: { team: 'core' }, createdAt: at(0) });
    });

    it('should apply every patch field present and bound the texts', async () => {
      await running('patched');

      const result = await store.agents.transition({
        name: 'patched',
        trigger: 'turn_end',
        at: at(1),
        patch: {
          exitCode: 7,
          failureReason: 'r'.repeat(LIMITS.failureReasonChars + 1),
          resumeToken: 'sess-1',
          lastOutput: `${'x'.repeat(LIMITS.lastOutputChars)}END`,
          usage: { inputTokens: 1, outputTokens: 2 },
          currentRunId: 'run-9',
          workspacePath: '/work/patched',
          branch: 'feature/patched',
        },
      });

      expect(result.applied).toBe(true);
      expect(result.agent).toMatchObject({
        status: 'idle',
        exitCode: 7,
        resumeToken: 'sess-1',
        usage: { inputTokens: 1, outputTokens: 2 },
        currentRunId: 'run-9',
        workspacePath: '/work/patched',
        branch: 'feature/patched',
        finishedAt: null,
      });
      expect(result.agent.failureReason).toHaveLength(LIMITS.failureReasonChars);
      expect(result.agent.failureReason?.endsWith('…')).toBe(true);
      expect(result.agent.lastOutput).toHaveLength(LIMITS.lastOutputChars);
      expect(result.agent.lastOutput?.endsWith('END')).toBe(true);
    });

    it("should prefer the patch's failure reason to the event reason on fail", async () => {
      await running('failing');

      const result = await store.agents.transition({
        name: 'failing',
        trigger: 'fail',
        at: at(1),
        reason: 'exit 1',
        patch: { failureReason: 'segfault in worker' },
      });

      expect(result.agent).toMatchObject({
        status: 'failed',
        failureReason: 'segfault in worker',
        finishedAt: at(1),
      });
      expect(result.applied && result.event.attrs.reason).toBe('exit 1');
    });

    it('should let the run of the request win over the patch', async () => {
      await running('runs');

      const result = await store.agents.transition({
        name: 'runs',
        trigger: 'stop',
        at: at(1),
        run: 'run-2',
        patch: { currentRunId: 'run-1' },
      });

      expect(result.agent.currentRunId).toBe('run-2');
    });

    it('should restart the clock of a resumed agent and clear its outcome', async () => {
      await running('again');
      await store.agents.transition({
        name: 'again',
        trigger: 'fail',
        at: at(1),
        reason: 'boom',
        patch: { exitCode: 2, resumeToken: 'sess-1' },
      });

      const resumed = await store.agents.transition({ name: 'again', trigger: 'say', at: at(5) });

      expect(resumed.agent).toMatchObject({
        status: 'running',
        startedAt: at(5),
        finishedAt: null,
        exitCode: null,
        failureReason: null,
        resumeToken: 'sess-1',
      });
    });

    it('should throw, not skip, when say cannot resume a finished agent', async () => {
      await running('stuck');
      await store.agents.transition({ name: 'stuck', trigger: 'complete', at: at(1) });

      const error = await rejectionOf(store.agents.transition({ name: 'stuck', trigger: 'say', at: at(2) }));

      expect(error).toBeInstanceOf(AgentTransitionInvalidError);
      expect(await store.events.latestId()).toBe(2);
    });

    it('should bound oversized caller attrs instead of failing the transition', async () => {
      await running('atomic');

      const result = await store.agents.transition({
        name: 'atomic',
        trigger: 'stop',
        at: at(1),
        attrs: { note: 'n'.repeat(5_000) },
      });

      expect(result.applied).toBe(true);
      expect(await store.events.latestId()).toBe(2);
      const [event] = await store.events.list({ after: 1, limit: 1 });
      expect(event?.attrs.note?.length).toBe(EVENT_LIMITS.attrValueChars);
    });

    it('should update a live agent only, bounding the intent', async () => {
      await running('informed');

      const updated = await store.agents.update('informed', { intent: 'i'.repeat(LIMITS.intentChars + 1) });
      await store.agents.transition({ name: 'informed', trigger: 'complete', at: at(1) });

      expect(updated.intent).toHaveLength(LIMITS.intentChars);
      expect(await rejectionOf(store.agents.update('informed', { intent: 'late' }))).toMatchObject({
        code: 'AGENT_TRANSITION_INVALID',
        details: { agent: 'informed', from: 'completed', trigger: 'update' },
      });
      expect(await store.events.latestId()).toBe(2);
    });

    it.each([
      ['an empty cursor', ''],
      ['garbage', '%%%'],
      ['a cursor of another kind', Buffer.from('events:1').toString('base64url')],
      ['a non-canonical cursor', Buffer.from('agents:01').toString('base64url')],
    ])('should reject %s as PAGE_CURSOR_INVALID', async (_, cursor) => {
      const error = await rejectionOf(store.agents.list({}, { limit: 10, cursor }));

      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'PAGE_CURSOR_INVALID' });
    });

    it('should reject a fractional page limit', async () => {
      expect(await rejectionOf(store.agents.list({}, { limit: 1.5 }))).toMatchObject({
        code: 'PAGE_LIMIT_INVALID',
      });
    });

    it('should keep paging from a cursor whose agent was deleted', async () => {
      for (const name of ['p1', 'p2', 'p3']) await running(name);
      const first = await store.agents.list({}, { limit: 1 });
      await store.agents.transition({ name: 'p1', trigger: 'stop', at: at(1) });
      await store.agents.delete('p1');

      const second = await store.agents.list({}, { limit: 10, cursor: first.nextCursor });

      expect(second.items.map((a) => a.name)).toEqual(['p2', 'p3']);
      expect(second.nextCursor).toBeNull();
    });

    it('should delete the mail an agent sent and its read position', async () => {
      await running('chatty');
      await store.messages.send(aMessageDraft({ from: 'chatty', to: 'host' }));
      await store.messages.send(aMessageDraft({ from: 'host', to: 'chatty' }));
      await store.messages.readUnread('chatty', 10);
      await store.agents.transition({ name: 'chatty', trigger: 'stop', at: at(1) });

      expect(await store.agents.delete('chatty')).toBe(true);
      expect(await store.messages.list('host', { limit: 10 })).toEqual([]);
      await running('chatty');
      const latest = await store.messages.send(aMessageDraft({ from: 'host', to: 'chatty' }));
      expect(latest.read).toBe(false);
      expect(await store.messages.unreadCount('chatty')).toBe(1);
    });
  });

  describe('events', () => {
    it('should hand out copies', async () => {
      const appended = await store.events.append(anEventDraft({ attrs: { k: 'v' } }));
      (appended.attrs as Record<string, string>).k = 'changed';
      appended.ts.setTime(0);

      const [listed] = await store.events.list({ limit: 1 });
      expect(listed?.attrs).toEqual({ k: 'v' });
      expect(listed?.ts).toEqual(TEST_EPOCH);
    });

    it('should accept the limits exactly and refuse one past them', async () => {
      const attrs = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, 'v'.repeat(2_048)]));
      await store.events.append(anEventDraft({ resource: 'r'.repeat(128), attrs }));

      expect(
        await rejectionOf(store.events.append(anEventDraft({ attrs: { k: 'v'.repeat(2_049) } }))),
      ).toMatchObject({ code: 'EVENT_INVALID' });
      expect(await rejectionOf(store.events.list({ limit: 1_001 }))).toMatchObject({
        code: 'PAGE_LIMIT_INVALID',
      });
      expect(await store.events.list({ limit: 1_000 })).toHaveLength(1);
    });
  });

  describe('runs', () => {
    it('should need an existing agent in a store, but not on its own', async () => {
      expect(await rejectionOf(store.runs.create(aRunDraft({ agent: 'ghost' })))).toMatchObject({
        code: 'AGENT_NOT_FOUND',
      });
      expect((await new MemoryRunRepository().create(aRunDraft({ agent: 'ghost' }))).seq).toBe(1);
    });

    it('should refuse a run id that is already taken', async () => {
      await running('r');
      const draft = aRunDraft({ agent: 'r' });
      await store.runs.create(draft);

      expect(await rejectionOf(store.runs.create(draft))).toMatchObject({ category: 'bug' });
    });
  });

  describe('run handles', () => {
    it('should hand out copies and keep the handle through finish', async () => {
      await running('h');
      const run = await store.runs.create(aRunDraft({ agent: 'h' }));
      const attached = await store.runs.attachHandle(run.id, 'local:42:1');
      attached.startedAt.setTime(0);
      await store.runs.finish(run.id, { status: 'succeeded', finishedAt: at(1), exitCode: 0 });

      expect(await store.runs.get(run.id)).toMatchObject({
        handle: 'local:42:1',
        status: 'succeeded',
        startedAt: TEST_EPOCH,
      });
    });

    it('should validate the handle before looking for the run', async () => {
      expect(await rejectionOf(new MemoryRunRepository().attachHandle('nope', ''))).toMatchObject({
        code: 'RUN_HANDLE_INVALID',
      });
    });
  });

  describe('missions', () => {
    it('should need an existing agent in a store, but not on its own', async () => {
      expect(await rejectionOf(store.missions.create(aMissionDraft({ agent: 'ghost' })))).toMatchObject({
        code: 'AGENT_NOT_FOUND',
      });
      const alone = new MemoryMissionRepository();
      expect((await alone.create(aMissionDraft({ agent: 'ghost' }))).status).toBe('pending');
      expect(await store.missions.listOpen(10)).toEqual([]);
    });

    it('should hand out copies and not hold on to the draft', async () => {
      await running('m');
      const payload = { list: [1, 2], nested: { k: 'v' } };
      const when = at(3);
      const created = await store.missions.create(
        aMissionDraft({ agent: 'm', id: 'm-1', payload, createdAt: when }),
      );
      payload.list.push(3);
      payload.nested.k = 'changed';
      when.setTime(0);
      (created.payload.list as number[]).push(4);
      created.updatedAt.setTime(0);
      const claimed = await store.missions.claim('m-1', 0, at(4));
      (claimed?.payload.nested as Record<string, string>).k = 'claimed';

      expect(await store.missions.get('m-1')).toMatchObject({
        payload: { list: [1, 2], nested: { k: 'v' } },
        createdAt: at(3),
        updatedAt: at(4),
      });
    });

    it('should list missions of one agent only, and forget them with the agent', async () => {
      await running('one');
      await running('two');
      const mine = await store.missions.create(aMissionDraft({ agent: 'one' }));
      const theirs = await store.missions.create(aMissionDraft({ agent: 'two' }));
      await store.agents.transition({ name: 'one', trigger: 'stop', at: at(1) });
      await store.agents.delete('one');

      expect(await rejectionOf(store.missions.get(mine.id))).toMatchObject({ code: 'MISSION_NOT_FOUND' });
      expect((await store.missions.listOpen(10)).map((m) => m.id)).toEqual([theirs.id]);
      expect(await store.missions.listOpenForAgent('one')).toEqual([]);
    });
  });

  describe('credentials', () => {
    it('should not count expired or revoked credentials as revoked again', async () => {
      await store.credentials.issue(aCredentialDraft({ agent: 'a', expiresAt: at(10) }));
      const active = await store.credentials.issue(aCredentialDraft({ agent: 'a', expiresAt: at(11) }));

      expect(await store.credentials.revokeForAgent('a', at(10))).toBe(1);
      expect((await store.credentials.findByHash(active.tokenHash))?.revokedAt).toEqual(at(10));
    });

    it('should refuse a second credential with the same token hash', async () => {
      const credentials = new MemoryCredentialRepository();
      const first = await credentials.issue(aCredentialDraft({ agent: 'a' }));

      expect(
        await rejectionOf(credentials.issue(aCredentialDraft({ agent: 'a', tokenHash: first.tokenHash }))),
      ).toMatchObject({ category: 'bug' });
    });
  });
});
