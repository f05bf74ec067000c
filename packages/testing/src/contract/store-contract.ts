/**
 * The state-store contract: one suite that every implementation of the repository ports runs
 * unchanged (SQLite, Postgres, and the in-memory fakes of this kit). A behaviour that differs
 * between two stores is a failure here, not a surprise in production.
 */
import {
  LIMITS,
  type AgentRepository,
  type CredentialRepository,
  type EventRepository,
  type LifecycleTrigger,
  type MessageRepository,
  MISSION_LIMITS,
  type MissionDraft,
  type MissionRecord,
  type MissionRepository,
  RUN_LIMITS,
  type RunRepository,
  type TransitionResult,
} from '@fracta/domain';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

export interface ContractStore {
  readonly agents: AgentRepository;
  readonly events: EventRepository;
  readonly messages: MessageRepository;
  readonly runs: RunRepository;
  readonly credentials: CredentialRepository;
  readonly missions: MissionRepository;
}

export interface ContractSubject {
  readonly store: ContractStore;
  /** Releases everything the subject holds (connections, databases, files). */
  dispose(): Promise<void>;
  /**
   * A second, independent handle on the same data (another connection pool), when the
   * implementation has such a thing; used to race writers through separate connections.
   */
  openPeer?(): Promise<{ store: ContractStore; dispose(): Promise<void> }>;
}

export interface ContractOptions {
  /** Iterations of each race loop (the mission races run at least 100). */
  readonly raceIterations: number;
}

const T0 = new Date('2026-01-02T03:04:05.678Z');
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);
const HASH = (n: number) => n.toString(16).padStart(64, '0');

interface Code {
  code: string;
}
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Code).code;
  }
  throw new Error('expected a rejection');
}

export function describeStoreContract(
  label: string,
  open: () => Promise<ContractSubject>,
  options: ContractOptions,
): void {
  describe(`state store contract: ${label}`, () => {
    let subject: ContractSubject;
    let s: ContractStore;

    beforeEach(async () => {
      subject = await open();
      s = subject.store;
    });

    afterEach(async () => {
      await subject.dispose();
    });

    const aMission = (id: string, agent: string, extra: Partial<MissionDraft> = {}): MissionDraft => ({
      id,
      agent,
      runKind: 'initial',
      prompt: `prompt of ${id}`,
      payload: { id },
      createdAt: at(0),
      ...extra,
    });
    const missionRaces = Math.max(100, options.raceIterations);

    /** The peer store when the subject has one (separate connections), else the store itself. */
    async function withPeer(fn: (other: ContractStore) => Promise<void>): Promise<void> {
      const peer = subject.openPeer ? await subject.openPeer() : undefined;
      try {
        await fn(peer?.store ?? s);
      } finally {
        await peer?.dispose();
      }
    }

    const start = (
      name: string,
      extra: { mode?: 'batch' | 'stream'; labels?: Record<string, string> } = {},
    ) => s.agents.create({ draft: { name, runtime: 'command', ...extra }, trigger: 'start', at: at(0) });

    describe('agents: create', () => {
      it('should create a running agent with its started event', async () => {
        const { agent, event } = await start('alpha', { labels: { team: 'core' } });
        expect(agent).toMatchObject({
          name: 'alpha',
          runtime: 'command',
          mode: 'batch',
          status: 'running',
          labels: { team: 'core' },
          resumeToken: null,
          finishedAt: null,
          exitCode: null,
        });
        expect(agent.createdAt.toISOString()).toBe(T0.toISOString());
        expect(agent.startedAt?.toISOString()).toBe(T0.toISOString());
        expect(event).toMatchObject({
          action: 'agent.started',
          agent: 'alpha',
          outcome: 'success',
          severity: 'info',
        });
        expect(event.attrs).toMatchObject({ from: 'new', to: 'running', runtime: 'command' });
        expect(await s.events.list({ limit: 10 })).toEqual([event]);
      });

      it('should create a queued agent without a start time', async () => {
        const { agent, event } = await s.agents.create({
          draft: {
            name: 'queued-1',
            runtime: 'claude',
            mode: 'stream',
            baseBranch: 'main',
            branch: 'feature/queued-1',
          },
          trigger: 'enqueue',
          at: at(5),
        });
        expect(agent).toMatchObject({
          status: 'queued',
          mode: 'stream',
          startedAt: null,
          baseBranch: 'main',
          branch: 'feature/queued-1',
        });
        expect(event.action).toBe('agent.queued');
        expect(await s.agents.get('queued-1')).toEqual(agent);
      });

      it('should refuse a duplicate name and write nothing', async () => {
        await start('dup');
        expect(await codeOf(start('dup'))).toBe('AGENT_ALREADY_EXISTS');
        expect(await s.events.latestId()).toBe(1);
        expect(await s.agents.count({})).toBe(1);
      });

      it('should refuse an invalid name or labels and write nothing', async () => {
        expect(await codeOf(start('-bad'))).toBe('AGENT_NAME_INVALID');
        expect(await codeOf(start('x'.repeat(65)))).toBe('AGENT_NAME_INVALID');
        expect(await codeOf(start('labelled', { labels: { 'bad key': 'v' } }))).toBe('AGENT_LABELS_INVALID');
        expect(await s.agents.count({})).toBe(0);
        expect(await s.events.latestId()).toBe(0);
      });

      it('should report a missing agent', async () => {
        expect(await s.agents.find('ghost')).toBeNull();
        expect(await codeOf(s.agents.get('ghost'))).toBe('AGENT_NOT_FOUND');
        expect(await codeOf(s.agents.transition({ name: 'ghost', trigger: 'stop', at: at(1) }))).toBe(
          'AGENT_NOT_FOUND',
        );
        expect(await codeOf(s.agents.update('ghost', { intent: 'x' }))).toBe('AGENT_NOT_FOUND');
      });
    });

    describe('agents: lifecycle', () => {
      it('should walk queued → running → idle → running → completed with one event per step', async () => {
        await s.agents.create({
          draft: { name: 'walker', runtime: 'codex', mode: 'stream' },
          trigger: 'enqueue',
          at: at(0),
        });
        const steps: [Exclude<LifecycleTrigger, 'enqueue'>, string, string][] = [
          ['start', 'running', 'agent.started'],
          ['turn_end', 'idle', 'agent.idle'],
          ['say', 'running', 'agent.turn_started'],
          ['complete', 'completed', 'agent.completed'],
        ];
        let offset = 1;
        for (const [trigger, status, action] of steps) {
          const result = await s.agents.transition({
            name: 'walker',
            trigger,
            at: at(offset++),
            run: `run-${offset}`,
          });
          expect(result.applied).toBe(true);
          if (!result.applied) continue;
          expect(result.agent.status).toBe(status);
          expect(result.event.action).toBe(action);
          expect(result.event.run).toBe(`run-${offset}`);
          expect(result.agent.currentRunId).toBe(`run-${offset}`);
        }
        const agent = await s.agents.get('walker');
        expect(agent.finishedAt?.toISOString()).toBe(at(4).toISOString());
        expect(agent.startedAt?.toISOString()).toBe(at(3).toISOString());
        const events = await s.events.list({ agent: 'walker', limit: 100 });
        expect(events.map((e) => e.action)).toEqual([
          'agent.queued',
          'agent.started',
          'agent.idle',
          'agent.turn_started',
          'agent.completed',
        ]);
        expect(events.map((e) => e.attrs.to)).toEqual(['queued', 'running', 'idle', 'running', 'completed']);
      });

      it('should not apply a transition the status does not allow, and write no event', async () => {
        await s.agents.create({ draft: { name: 'q', runtime: 'command' }, trigger: 'enqueue', at: at(0) });
        const before = await s.agents.get('q');
        for (const trigger of ['complete', 'turn_end'] as const) {
          const result = await s.agents.transition({ name: 'q', trigger, at: at(1) });
          expect(result.applied).toBe(false);
          expect(result.agent).toEqual(before);
        }
        await s.agents.transition({ name: 'q', trigger: 'stop', at: at(2), reason: 'killed' });
        const again = await s.agents.transition({ name: 'q', trigger: 'stop', at: at(3) });
        expect(again.applied).toBe(false);
        expect(again.agent.finishedAt?.toISOString()).toBe(at(2).toISOString());
        expect(await s.events.latestId()).toBe(2);
      });

      it('should record failure details atomically with the status', async () => {
        await start('crashy');
        const result = await s.agents.transition({
          name: 'crashy',
          trigger: 'fail',
          at: at(9),
          reason: 'exit code 3',
          patch: { exitCode: 3, lastOutput: 'y'.repeat(LIMITS.lastOutputChars + 10) + 'END' },
        });
        expect(result.applied).toBe(true);
        if (!result.applied) return;
        expect(result.agent).toMatchObject({ status: 'failed', exitCode: 3, failureReason: 'exit code 3' });
        expect(result.agent.lastOutput).toHaveLength(LIMITS.lastOutputChars);
        expect(result.agent.lastOutput?.endsWith('END')).toBe(true);
        expect(result.event).toMatchObject({ action: 'agent.failed', outcome: 'failure', severity: 'error' });
        expect(result.event.attrs.reason).toBe('exit code 3');
      });

      it('should resume a finished batch agent that has a resume token, clearing its outcome', async () => {
        await start('resumable');
        await s.agents.transition({
          name: 'resumable',
          trigger: 'fail',
          at: at(1),
          reason: 'boom',
          patch: { exitCode: 1, resumeToken: 'sess-1' },
        });
        const resumed = await s.agents.transition({
          name: 'resumable',
          trigger: 'say',
          at: at(2),
          run: 'run-2',
        });
        expect(resumed.applied).toBe(true);
        if (!resumed.applied) return;
        expect(resumed.agent).toMatchObject({
          status: 'running',
          exitCode: null,
          failureReason: null,
          finishedAt: null,
          resumeToken: 'sess-1',
          currentRunId: 'run-2',
        });
        expect(resumed.event.action).toBe('agent.resumed');
      });

      it('should refuse to resume without a resume token or in stream mode', async () => {
        await start('no-token');
        await s.agents.transition({
          name: 'no-token',
          trigger: 'complete',
          at: at(1),
          patch: { exitCode: 0 },
        });
        expect(await codeOf(s.agents.transition({ name: 'no-token', trigger: 'say', at: at(2) }))).toBe(
          'AGENT_TRANSITION_INVALID',
        );
        await start('streamer', { mode: 'stream' });
        await s.agents.transition({
          name: 'streamer',
          trigger: 'stop',
          at: at(1),
          patch: { resumeToken: 't' },
        });
        expect(await codeOf(s.agents.transition({ name: 'streamer', trigger: 'say', at: at(2) }))).toBe(
          'AGENT_TRANSITION_INVALID',
        );
        expect((await s.agents.get('no-token')).status).toBe('completed');
        expect(await s.events.latestId()).toBe(4);
      });

      it(`should let exactly one of two racing writers win, ${options.raceIterations} times`, async () => {
        const peer = subject.openPeer ? await subject.openPeer() : undefined;
        const other = peer?.store ?? s;
        try {
          for (let i = 0; i < options.raceIterations; i++) {
            const name = `race-${i}`;
            await start(name);
            const before = await s.events.latestId();
            const results: TransitionResult[] = await Promise.all([
              s.agents.transition({ name, trigger: 'complete', at: at(i), patch: { exitCode: 0 } }),
              other.agents.transition({ name, trigger: 'stop', at: at(i), reason: 'killed' }),
            ]);
            const winners = results.filter((r) => r.applied);
            expect(winners).toHaveLength(1);
            const events = await s.events.list({ after: before, limit: 10 });
            expect(events).toHaveLength(1);
            const final = await s.agents.get(name);
            const winner = winners[0];
            if (!winner?.applied) throw new Error('no winner');
            expect(events[0]?.id).toBe(winner.event.id);
            expect(final.status).toBe(winner.agent.status);
            // The winner's patch landed with its status; the loser's did not.
            expect(final.exitCode).toBe(final.status === 'completed' ? 0 : null);
          }
        } finally {
          await peer?.dispose();
        }
      });

      it('should let exactly one terminal writer win among four racing triggers', async () => {
        const peer = subject.openPeer ? await subject.openPeer() : undefined;
        const other = peer?.store ?? s;
        try {
          for (let i = 0; i < Math.max(10, Math.floor(options.raceIterations / 5)); i++) {
            const name = `four-${i}`;
            await start(name, { mode: 'stream' });
            const before = await s.events.latestId();
            const results = await Promise.all([
              s.agents.transition({ name, trigger: 'complete', at: at(1) }),
              other.agents.transition({ name, trigger: 'stop', at: at(1) }),
              s.agents.transition({ name, trigger: 'fail', at: at(1), reason: 'x' }),
              other.agents.transition({ name, trigger: 'turn_end', at: at(1) }),
            ]);
            const applied = results.filter((r) => r.applied);
            const events = await s.events.list({ after: before, limit: 10 });
            // Every applied transition wrote exactly one event, and nothing else did.
            expect(events).toHaveLength(applied.length);
            const terminal = events.filter((e) =>
              ['agent.completed', 'agent.stopped', 'agent.failed'].includes(e.action),
            );
            expect(terminal).toHaveLength(1);
            const final = await s.agents.get(name);
            expect(final.status).toBe(terminal[0]?.attrs.to);
          }
        } finally {
          await peer?.dispose();
        }
      });
    });

    describe('agents: update', () => {
      it('should update info fields of a live agent, bounded', async () => {
        await start('busy');
        const agent = await s.agents.update('busy', {
          intent: 'i'.repeat(LIMITS.intentChars + 50),
          usage: { inputTokens: 10, outputTokens: 20, costUsd: 0.5 },
          resumeToken: 'tok',
        });
        expect(agent.intent).toHaveLength(LIMITS.intentChars);
        expect(agent.usage).toEqual({ inputTokens: 10, outputTokens: 20, costUsd: 0.5 });
        expect(agent.resumeToken).toBe('tok');
        expect(await s.agents.get('busy')).toEqual(agent);
      });

      it('should refuse to change a finished agent', async () => {
        await start('done');
        await s.agents.transition({ name: 'done', trigger: 'complete', at: at(1) });
        expect(await codeOf(s.agents.update('done', { intent: 'late' }))).toBe('AGENT_TRANSITION_INVALID');
        expect((await s.agents.get('done')).intent).toBeNull();
      });
    });

    describe('agents: list and count', () => {
      beforeEach(async () => {
        for (let i = 0; i < 25; i++) {
          const name = `agent-${String(i).padStart(2, '0')}`;
          await s.agents.create({
            draft: {
              name,
              runtime: i % 2 === 0 ? 'claude' : 'codex',
              parentAgent: i < 5 ? 'agent-00' : null,
              labels: { team: i % 3 === 0 ? 'a' : 'b', tier: String(i % 2) },
            },
            trigger: i % 4 === 0 ? 'enqueue' : 'start',
            at: at(i),
          });
        }
        await s.agents.create({
          draft: { name: 'Agent-upper', runtime: 'command' },
          trigger: 'start',
          at: at(100),
        });
      });

      it('should page through every agent in creation order without duplicates', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: { items: { name: string }[]; nextCursor: string | null } = await s.agents.list(
            {},
            { limit: 10, cursor },
          );
          seen.push(...page.items.map((a) => a.name));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== null);
        expect(pages).toBe(3);
        expect(seen).toHaveLength(26);
        expect(new Set(seen).size).toBe(26);
        expect(seen[0]).toBe('agent-00');
        expect(seen.at(-1)).toBe('Agent-upper');
      });

      it('should end on an exact last page with no cursor', async () => {
        const page = await s.agents.list({ runtimes: ['command'] }, { limit: 1 });
        expect(page.items.map((a) => a.name)).toEqual(['Agent-upper']);
        expect(page.nextCursor).toBeNull();
      });

      it('should filter by status, runtime, parent, labels and name prefix', async () => {
        const names = async (filter: Parameters<AgentRepository['list']>[0]) =>
          (await s.agents.list(filter, { limit: 100 })).items.map((a) => a.name);
        expect(await names({ statuses: ['queued'] })).toEqual([
          'agent-00',
          'agent-04',
          'agent-08',
          'agent-12',
          'agent-16',
          'agent-20',
          'agent-24',
        ]);
        expect(await s.agents.count({ statuses: ['running'] })).toBe(19);
        expect(await s.agents.count({ statuses: [] })).toBe(0);
        expect(await names({ runtimes: ['codex'], statuses: ['queued'] })).toEqual([]);
        expect(await names({ parentAgent: 'agent-00' })).toEqual([
          'agent-00',
          'agent-01',
          'agent-02',
          'agent-03',
          'agent-04',
        ]);
        expect(await names({ labels: { team: 'a', tier: '1' } })).toEqual([
          'agent-03',
          'agent-09',
          'agent-15',
          'agent-21',
        ]);
        expect(await s.agents.count({ labels: { team: 'a' } })).toBe(9);
        expect(await names({ namePrefix: 'agent-2' })).toEqual([
          'agent-20',
          'agent-21',
          'agent-22',
          'agent-23',
          'agent-24',
        ]);
        // Prefixes are case-sensitive on every store, and '_' is not a wildcard.
        expect(await names({ namePrefix: 'Agent' })).toEqual(['Agent-upper']);
        expect(await names({ namePrefix: 'agent_' })).toEqual([]);
        const labelled = await s.agents.list({ namePrefix: 'agent-03' }, { limit: 1 });
        expect(labelled.items[0]?.labels).toEqual({ team: 'a', tier: '1' });
      });

      it('should reject a bad page size or cursor', async () => {
        expect(await codeOf(s.agents.list({}, { limit: 0 }))).toBe('PAGE_LIMIT_INVALID');
        expect(await codeOf(s.agents.list({}, { limit: 501 }))).toBe('PAGE_LIMIT_INVALID');
        expect(await codeOf(s.agents.list({}, { limit: 10, cursor: "x' OR 1=1 --" }))).toBe(
          'PAGE_CURSOR_INVALID',
        );
      });
    });

    describe('agents: delete', () => {
      it('should refuse to delete a live agent', async () => {
        await start('alive');
        expect(await codeOf(s.agents.delete('alive'))).toBe('AGENT_TRANSITION_INVALID');
        expect(await s.agents.find('alive')).not.toBeNull();
      });

      it('should delete a finished agent with its runs, credentials and mail but keep the event log', async () => {
        await start('gone');
        await s.runs.create({ id: 'run-gone-1', agent: 'gone', kind: 'initial', startedAt: at(0) });
        await s.credentials.issue({
          id: 'cred-1',
          agent: 'gone',
          tokenHash: HASH(1),
          createdAt: at(0),
          expiresAt: null,
        });
        await s.messages.send({ from: 'host', to: 'gone', body: 'hello', createdAt: at(0) });
        await start('stays');
        await s.missions.create(aMission('gone-m1', 'gone'));
        await s.missions.create(aMission('stays-m1', 'stays'));
        await s.missions.create(aMission('gone-m2', 'gone'));
        await s.missions.claim('gone-m2', 0, at(1));
        await s.agents.transition({ name: 'gone', trigger: 'stop', at: at(1) });
        expect(await s.agents.delete('gone')).toBe(true);
        expect(await s.agents.find('gone')).toBeNull();
        expect(await s.runs.listForAgent('gone')).toEqual([]);
        expect(await codeOf(s.missions.get('gone-m1'))).toBe('MISSION_NOT_FOUND');
        expect(await codeOf(s.missions.get('gone-m2'))).toBe('MISSION_NOT_FOUND');
        expect(await s.missions.listOpenForAgent('gone')).toEqual([]);
        expect((await s.missions.listOpen(10)).map((m) => m.id)).toEqual(['stays-m1']);
        expect(await s.credentials.findByHash(HASH(1))).toBeNull();
        expect(await s.messages.unreadCount('gone')).toBe(0);
        expect(await s.events.list({ agent: 'gone', limit: 10 })).toHaveLength(2);
        expect(await s.agents.delete('gone')).toBe(false);
        // The name is free again, and so are the mission ids.
        expect((await start('gone')).agent.status).toBe('running');
        expect(await s.missions.listOpenForAgent('gone')).toEqual([]);
        expect((await s.missions.create(aMission('gone-m1', 'gone'))).attempt).toBe(0);
      });
    });

    describe('events', () => {
      const draft = (n: number, agent: string | null = 'a') => ({
        ts: at(n),
        component: 'test',
        category: 'unit',
        resource: `thing/${n}`,
        action: 'thing.done',
        outcome: 'success' as const,
        severity: 'debug' as const,
        agent,
        run: null,
        attrs: { n: String(n), unicode: 'ünï ✓' },
      });

      it('should assign increasing ids and serve them from a cursor', async () => {
        expect(await s.events.latestId()).toBe(0);
        const appended = [];
        for (let i = 1; i <= 12; i++) appended.push(await s.events.append(draft(i, i % 2 ? 'odd' : 'even')));
        expect(appended.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        expect(await s.events.latestId()).toBe(12);
        const page = await s.events.list({ after: 4, limit: 3 });
        expect(page.map((e) => e.id)).toEqual([5, 6, 7]);
        expect(page[0]).toEqual(appended[4]);
        expect(page[0]?.ts.toISOString()).toBe(at(5).toISOString());
        expect((await s.events.list({ after: 0, agent: 'even', limit: 100 })).map((e) => e.id)).toEqual([
          2, 4, 6, 8, 10, 12,
        ]);
        expect(await s.events.list({ after: 12, limit: 10 })).toEqual([]);
      });

      it('should reject an invalid event and append nothing', async () => {
        expect(await codeOf(s.events.append({ ...draft(1), action: '' }))).toBe('EVENT_INVALID');
        expect(await codeOf(s.events.append({ ...draft(1), component: 'c'.repeat(129) }))).toBe(
          'EVENT_INVALID',
        );
        const attrs = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
        expect(await codeOf(s.events.append({ ...draft(1), attrs }))).toBe('EVENT_INVALID');
        expect(await codeOf(s.events.list({ limit: 0 }))).toBe('PAGE_LIMIT_INVALID');
        expect(await s.events.latestId()).toBe(0);
      });

      it('should give a cursor reader every event exactly once under concurrent appends', async () => {
        const peer = subject.openPeer ? await subject.openPeer() : undefined;
        const writers = [s, peer?.store ?? s] as const;
        try {
          const total = 200;
          const seen: number[] = [];
          let cursor = 0;
          const progress = { done: false };
          const reader = (async () => {
            for (;;) {
              const finished = progress.done;
              const batch = await s.events.list({ after: cursor, limit: 50 });
              for (const e of batch) seen.push(e.id);
              cursor = batch.at(-1)?.id ?? cursor;
              if (finished && batch.length === 0) return;
            }
          })();
          await Promise.all(
            Array.from({ length: total }, (_, i) =>
              (i % 2 === 0 ? writers[0] : writers[1]).events.append(draft(i, `w${i % 7}`)),
            ),
          );
          progress.done = true;
          await reader;
          expect(seen).toHaveLength(total);
          expect(seen).toEqual([...seen].sort((a, b) => a - b));
          expect(new Set(seen).size).toBe(total);
        } finally {
          await peer?.dispose();
        }
      });
    });

    describe('messages', () => {
      it('should deliver unread messages once and keep a read cursor per recipient', async () => {
        for (let i = 1; i <= 5; i++)
          await s.messages.send({ from: 'host', to: 'bob', body: `m${i}`, createdAt: at(i) });
        await s.messages.send({ from: 'bob', to: 'alice', body: 'hi alice', createdAt: at(6) });
        expect(await s.messages.unreadCount('bob')).toBe(5);
        const first = await s.messages.readUnread('bob', 2);
        expect(first.map((m) => [m.body, m.read])).toEqual([
          ['m1', true],
          ['m2', true],
        ]);
        expect(await s.messages.unreadCount('bob')).toBe(3);
        const all = await s.messages.list('bob', { limit: 10 });
        expect(all.map((m) => [m.body, m.read])).toEqual([
          ['m1', true],
          ['m2', true],
          ['m3', false],
          ['m4', false],
          ['m5', false],
        ]);
        expect((await s.messages.readUnread('bob', 10)).map((m) => m.body)).toEqual(['m3', 'm4', 'm5']);
        expect(await s.messages.readUnread('bob', 10)).toEqual([]);
        expect(await s.messages.unreadCount('alice')).toBe(1);
        expect(
          (await s.messages.list('bob', { after: all[3]?.id ?? 0, limit: 10 })).map((m) => m.body),
        ).toEqual(['m5']);
      });

      it('should hand each message to exactly one of several concurrent readers', async () => {
        for (let i = 0; i < 30; i++)
          await s.messages.send({ from: 'host', to: 'inbox', body: `n${i}`, createdAt: at(i) });
        const batches = await Promise.all(Array.from({ length: 6 }, () => s.messages.readUnread('inbox', 7)));
        const bodies = batches.flat().map((m) => m.body);
        expect(bodies).toHaveLength(30);
        expect(new Set(bodies).size).toBe(30);
      });

      it('should reject an empty, oversized or misaddressed message', async () => {
        expect(await codeOf(s.messages.send({ from: 'host', to: 'bob', body: '', createdAt: at(0) }))).toBe(
          'MESSAGE_INVALID',
        );
        const huge = 'x'.repeat(LIMITS.messageBodyChars + 1);
        expect(await codeOf(s.messages.send({ from: 'host', to: 'bob', body: huge, createdAt: at(0) }))).toBe(
          'MESSAGE_INVALID',
        );
        expect(
          await codeOf(s.messages.send({ from: 'host', to: '../etc', body: 'x', createdAt: at(0) })),
        ).toBe('MESSAGE_INVALID');
        expect(await s.messages.unreadCount('bob')).toBe(0);
      });
    });

    describe('runs', () => {
      it('should number runs per agent and finish each once', async () => {
        await start('runner');
        await start('other');
        const r1 = await s.runs.create({
          id: 'r-1',
          agent: 'runner',
          kind: 'initial',
          startedAt: at(1),
          dir: '/runs/r-1',
        });
        const r2 = await s.runs.create({ id: 'r-2', agent: 'runner', kind: 'say', startedAt: at(2) });
        const o1 = await s.runs.create({ id: 'o-1', agent: 'other', kind: 'initial', startedAt: at(3) });
        expect([r1.seq, r2.seq, o1.seq]).toEqual([1, 2, 1]);
        expect(r1).toMatchObject({ status: 'running', dir: '/runs/r-1', finishedAt: null, exitCode: null });
        const finished = await s.runs.finish('r-1', { status: 'succeeded', finishedAt: at(4), exitCode: 0 });
        expect(finished.applied).toBe(true);
        expect(finished.run).toMatchObject({ status: 'succeeded', exitCode: 0 });
        const late = await s.runs.finish('r-1', { status: 'failed', finishedAt: at(5), exitCode: 1 });
        expect(late.applied).toBe(false);
        expect(late.run.status).toBe('succeeded');
        expect((await s.runs.listForAgent('runner')).map((r) => r.id)).toEqual(['r-1', 'r-2']);
        expect(await s.runs.get('r-2')).toEqual(r2);
      });

      it('should number concurrently created runs without clashes', async () => {
        await start('parallel');
        const runs = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            s.runs.create({ id: `p-${i}`, agent: 'parallel', kind: 'retry', startedAt: at(i) }),
          ),
        );
        expect(runs.map((r) => r.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      });

      it('should report a missing run or agent', async () => {
        expect(await codeOf(s.runs.get('nope'))).toBe('RUN_NOT_FOUND');
        expect(await codeOf(s.runs.finish('nope', { status: 'failed', finishedAt: at(0) }))).toBe(
          'RUN_NOT_FOUND',
        );
        expect(
          await codeOf(s.runs.create({ id: 'x', agent: 'ghost', kind: 'initial', startedAt: at(0) })),
        ).toBe('AGENT_NOT_FOUND');
      });
    });

    describe('runs: with their credential', () => {
      const credential = (id: string, agent: string, n: number) => ({
        id,
        agent,
        tokenHash: HASH(n),
        createdAt: at(1),
        expiresAt: null,
      });

      it('should create the run and issue its credential together', async () => {
        await start('minted');
        const run = await s.runs.create({
          id: 'rc-1',
          agent: 'minted',
          kind: 'initial',
          startedAt: at(1),
          credential: credential('rc-c1', 'minted', 501),
        });
        expect(run).toMatchObject({ id: 'rc-1', seq: 1, status: 'running' });
        expect(await s.credentials.findByHash(HASH(501))).toEqual({
          ...credential('rc-c1', 'minted', 501),
          revokedAt: null,
        });
        expect(await s.credentials.revokeForAgent('minted', at(2))).toBe(1);
      });

      it('should write neither when the credential is refused', async () => {
        await start('refused');
        await s.credentials.issue(credential('rc-taken', 'refused', 502));
        const bad = [
          [{ ...credential('rc-c2', 'refused', 503), tokenHash: 'A'.repeat(64) }, 'CREDENTIAL_INVALID'],
          [credential('rc-c3', 'someone-else', 504), 'CREDENTIAL_INVALID'],
        ] as const;
        for (const [draft, code] of bad) {
          expect(
            await codeOf(
              s.runs.create({
                id: 'rc-2',
                agent: 'refused',
                kind: 'initial',
                startedAt: at(1),
                credential: draft,
              }),
            ),
          ).toBe(code);
        }
        // A taken token hash: the store refuses it (its own error), and the run is not created either.
        await expect(
          s.runs.create({
            id: 'rc-2',
            agent: 'refused',
            kind: 'initial',
            startedAt: at(1),
            credential: credential('rc-c4', 'refused', 502),
          }),
        ).rejects.toBeDefined();
        expect(await s.runs.listForAgent('refused')).toEqual([]);
        expect(await s.credentials.findByHash(HASH(503))).toBeNull();
        expect(await s.credentials.findByHash(HASH(504))).toBeNull();
        expect((await s.credentials.findByHash(HASH(502)))?.id).toBe('rc-taken');
      });
    });

    describe('agents: a transition that records the run handle', () => {
      const queuedWithRun = async (name: string, run: string) => {
        await s.agents.create({ draft: { name, runtime: 'command' }, trigger: 'enqueue', at: at(0) });
        return s.runs.create({ id: run, agent: name, kind: 'initial', startedAt: at(1) });
      };

      it('should move the agent and record the handle in one write', async () => {
        const run = await queuedWithRun('starter', 'th-1');
        const moved = await s.agents.transition({
          name: 'starter',
          trigger: 'start',
          at: at(2),
          run: 'th-1',
          patch: { currentRunId: 'th-1' },
          runHandle: 'local:77:88',
        });
        expect(moved).toMatchObject({ applied: true, agent: { status: 'running', currentRunId: 'th-1' } });
        expect(await s.runs.get('th-1')).toEqual({ ...run, handle: 'local:77:88' });
      });

      it('should record no handle when the transition does not apply', async () => {
        await queuedWithRun('stopped-first', 'th-2');
        await s.agents.transition({ name: 'stopped-first', trigger: 'stop', at: at(2), reason: 'killed' });
        const late = await s.agents.transition({
          name: 'stopped-first',
          trigger: 'start',
          at: at(3),
          run: 'th-2',
          runHandle: 'local:1:2',
        });
        expect(late).toMatchObject({ applied: false, agent: { status: 'stopped' } });
        expect((await s.runs.get('th-2')).handle).toBeNull();
      });

      it('should refuse, and move nothing, for a run that is finished, missing, not named or a bad handle', async () => {
        await queuedWithRun('careful', 'th-3');
        await s.runs.finish('th-3', { status: 'stopped', finishedAt: at(2) });
        const attempt = (extra: { run?: string; runHandle: string }) =>
          codeOf(s.agents.transition({ name: 'careful', trigger: 'start', at: at(3), ...extra }));
        expect(await attempt({ run: 'th-3', runHandle: 'local:1:2' })).toBe('RUN_NOT_RUNNING');
        expect(await attempt({ run: 'nope', runHandle: 'local:1:2' })).toBe('RUN_NOT_FOUND');
        expect(await attempt({ runHandle: 'local:1:2' })).toBe('RUN_HANDLE_INVALID');
        expect(await attempt({ run: 'th-3', runHandle: 'local:\n' })).toBe('RUN_HANDLE_INVALID');
        const agent = await s.agents.get('careful');
        expect(agent.status).toBe('queued');
        expect((await s.events.list({ agent: 'careful', limit: 10 })).map((e) => e.action)).toEqual([
          'agent.queued',
        ]);
        expect((await s.runs.get('th-3')).handle).toBeNull();
      });

      it("should refuse another agent's run", async () => {
        await queuedWithRun('owner', 'th-4');
        await s.agents.create({
          draft: { name: 'intruder', runtime: 'command' },
          trigger: 'enqueue',
          at: at(0),
        });
        expect(
          await codeOf(
            s.agents.transition({
              name: 'intruder',
              trigger: 'start',
              at: at(3),
              run: 'th-4',
              runHandle: 'local:1:2',
            }),
          ),
        ).toBe('RUN_NOT_FOUND');
        expect((await s.agents.get('intruder')).status).toBe('queued');
        expect((await s.runs.get('th-4')).handle).toBeNull();
      });
    });

    describe('runs: handles', () => {
      const newRun = async (agent: string, id: string) => {
        await start(agent);
        return s.runs.create({ id, agent, kind: 'initial', startedAt: at(1) });
      };

      it('should attach a handle to a running run, replace it, and keep it when the run finishes', async () => {
        const run = await newRun('handled', 'h-1');
        expect(run.handle).toBeNull();
        expect((await s.runs.get('h-1')).handle).toBeNull();
        const attached = await s.runs.attachHandle('h-1', 'local:1234:998877');
        expect(attached).toEqual({ ...run, handle: 'local:1234:998877' });
        expect(await s.runs.get('h-1')).toEqual(attached);
        expect(await s.runs.listForAgent('handled')).toEqual([attached]);
        const longest = `local:${'9'.repeat(RUN_LIMITS.handleChars - 6)}`;
        expect((await s.runs.attachHandle('h-1', longest)).handle).toBe(longest);
        const replaced = await s.runs.attachHandle('h-1', 'kubernetes:fracta-ünï-😀');
        expect(replaced.handle).toBe('kubernetes:fracta-ünï-😀');
        const finished = await s.runs.finish('h-1', { status: 'failed', finishedAt: at(2), exitCode: 9 });
        expect(finished.run).toMatchObject({ status: 'failed', handle: 'kubernetes:fracta-ünï-😀' });
        expect(await codeOf(s.runs.attachHandle('h-1', 'local:1'))).toBe('RUN_NOT_RUNNING');
        expect((await s.runs.get('h-1')).handle).toBe('kubernetes:fracta-ünï-😀');
      });

      it('should report a missing run, and reject a bad handle without writing it', async () => {
        await newRun('strict', 'h-2');
        await s.runs.attachHandle('h-2', 'local:1');
        expect(await codeOf(s.runs.attachHandle('nope', 'local:1'))).toBe('RUN_NOT_FOUND');
        for (const bad of [
          '',
          'k'.repeat(RUN_LIMITS.handleChars + 1),
          'local:1\n2',
          'local:\u0000',
          'local:\t1',
          'local:\u007f',
          'local:\u0085',
        ]) {
          expect(await codeOf(s.runs.attachHandle('h-2', bad))).toBe('RUN_HANDLE_INVALID');
        }
        // The handle is checked before the run is looked up.
        expect(await codeOf(s.runs.attachHandle('nope', ''))).toBe('RUN_HANDLE_INVALID');
        expect(await s.runs.get('h-2')).toMatchObject({ status: 'running', handle: 'local:1' });
      });

      it('should either attach before the run finishes or refuse, when both race', async () => {
        await start('racer');
        await withPeer(async (other) => {
          for (let i = 0; i < options.raceIterations; i++) {
            const id = `hr-${i}`;
            await s.runs.create({ id, agent: 'racer', kind: 'retry', startedAt: at(i) });
            const [attach, finish] = await Promise.allSettled([
              s.runs.attachHandle(id, `local:${i}:1`),
              other.runs.finish(id, { status: 'stopped', finishedAt: at(i) }),
            ]);
            expect(finish).toMatchObject({ status: 'fulfilled', value: { applied: true } });
            const final = await s.runs.get(id);
            expect(final.status).toBe('stopped');
            if (attach.status === 'fulfilled') expect(final.handle).toBe(`local:${i}:1`);
            else {
              expect((attach.reason as Code).code).toBe('RUN_NOT_RUNNING');
              expect(final.handle).toBeNull();
            }
          }
        });
      });
    });

    describe('missions: create and get', () => {
      it('should create a pending mission at attempt 0 and give it back unchanged', async () => {
        await start('boss');
        const draft = aMission('m-1', 'boss', {
          runKind: 'say',
          prompt: 'fix ünï ✓ 😀\nsecond line\ttab',
          payload: {
            priority: 1,
            ratio: 0.25,
            tags: ['a', 'b'],
            nested: { deep: { none: null, ok: true, list: [[1], { x: -3 }] } },
            unicode: 'ü😀\u0000 is fine inside JSON',
          },
          createdAt: at(7),
        });
        const created = await s.missions.create(draft);
        expect(created).toEqual({ ...draft, attempt: 0, status: 'pending', updatedAt: at(7) });
        expect(await s.missions.get('m-1')).toEqual(created);
        const bare = await s.missions.create(aMission('m-2', 'boss', { prompt: null, payload: {} }));
        expect(await s.missions.get('m-2')).toEqual(bare);
        expect(bare).toMatchObject({ prompt: null, payload: {}, runKind: 'initial' });
      });

      it('should keep a prompt and a payload of exactly the limits', async () => {
        await start('big');
        // 'é' is two bytes of UTF-8; {"p":"…"} is 8 bytes around its string.
        const prompt = 'é'.repeat(MISSION_LIMITS.promptBytes / 2);
        const payload = { p: '😀'.repeat((MISSION_LIMITS.payloadBytes - 8) / 4) };
        await s.missions.create(aMission('huge', 'big', { prompt, payload }));
        const stored = await s.missions.get('huge');
        expect(stored.prompt).toBe(prompt);
        expect(stored.payload).toEqual(payload);
        expect(await codeOf(s.missions.create(aMission('huge-2', 'big', { prompt: `${prompt}a` })))).toBe(
          'MISSION_INVALID',
        );
      });

      it('should refuse a duplicate id or an unknown agent and write nothing', async () => {
        await start('boss');
        const first = await s.missions.create(aMission('m-1', 'boss'));
        expect(await codeOf(s.missions.create(aMission('m-1', 'boss', { prompt: 'other' })))).toBe(
          'INVARIANT_VIOLATED',
        );
        expect(await codeOf(s.missions.create(aMission('m-9', 'ghost')))).toBe('AGENT_NOT_FOUND');
        expect(await s.missions.get('m-1')).toEqual(first);
        expect(await codeOf(s.missions.get('m-9'))).toBe('MISSION_NOT_FOUND');
        expect(await codeOf(s.missions.get('nope'))).toBe('MISSION_NOT_FOUND');
        expect(await s.missions.listOpen(10)).toEqual([first]);
      });

      it('should hand out records that changing cannot reach the store', async () => {
        await start('boss');
        const created = await s.missions.create(aMission('m-1', 'boss', { payload: { list: [1] } }));
        (created.payload.list as number[]).push(2);
        created.updatedAt.setTime(0);
        expect(await s.missions.get('m-1')).toMatchObject({ payload: { list: [1] }, updatedAt: at(0) });
      });

      it('should refuse invalid missions and invalid writes, and write nothing', async () => {
        await start('boss');
        const kept = await s.missions.create(aMission('kept', 'boss'));
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        const bad: Partial<Record<keyof MissionDraft, unknown>>[] = [
          { id: '' },
          { id: 'bad\nid' },
          { runKind: 'rerun' },
          { prompt: 'a'.repeat(MISSION_LIMITS.promptBytes + 1) },
          { prompt: 'é'.repeat(MISSION_LIMITS.promptBytes / 2 + 1) },
          { prompt: 'nul \u0000 inside' },
          { prompt: 'half a pair \ud83d' },
          { payload: null },
          { payload: [1, 2] },
          { payload: { when: new Date(0) } },
          { payload: { n: Number.NaN } },
          { payload: { u: undefined } },
          { payload: { big: 1n } },
          { payload: circular },
          { payload: { p: 'x'.repeat(MISSION_LIMITS.payloadBytes) } },
          { createdAt: new Date(Number.NaN) },
        ];
        for (const [i, patch] of bad.entries()) {
          const draft = { ...aMission(`bad-${i}`, 'boss'), ...patch } as MissionDraft;
          expect(await codeOf(s.missions.create(draft))).toBe('MISSION_INVALID');
        }
        expect(await codeOf(s.missions.claim('kept', -1, at(1)))).toBe('MISSION_INVALID');
        expect(await codeOf(s.missions.claim('kept', 0.5, at(1)))).toBe('MISSION_INVALID');
        expect(await codeOf(s.missions.claim('kept', 0, new Date(Number.NaN)))).toBe('MISSION_INVALID');
        expect(await codeOf(s.missions.finish('kept', 0, 'cancelled' as 'failed', at(1)))).toBe(
          'MISSION_INVALID',
        );
        expect(await codeOf(s.missions.finish('kept', -2, 'failed', at(1)))).toBe('MISSION_INVALID');
        expect(await codeOf(s.missions.cancel('kept', new Date(Number.NaN)))).toBe('MISSION_INVALID');
        expect(await s.missions.listOpen(100)).toEqual([kept]);
        expect(await s.missions.get('kept')).toEqual(kept);
      });
    });

    describe('missions: claim, finish, cancel', () => {
      beforeEach(async () => {
        await start('worker');
      });

      it('should claim by compare-and-set on the attempt and fence the stale attempt', async () => {
        const created = await s.missions.create(aMission('m', 'worker', { createdAt: at(0) }));
        const first = await s.missions.claim('m', 0, at(1));
        expect(first).toEqual({ ...created, status: 'claimed', attempt: 1, updatedAt: at(1) });
        expect(await s.missions.claim('m', 0, at(2))).toBeNull();
        expect(await s.missions.claim('m', 2, at(2))).toBeNull();
        // Attempts past 32 bits are just attempts that do not match (not a database error).
        expect(await s.missions.claim('m', 2 ** 40, at(2))).toBeNull();
        expect(await s.missions.finish('m', Number.MAX_SAFE_INTEGER - 1, 'failed', at(2))).toBe(false);
        expect(await s.missions.get('m')).toEqual(first);
        // Re-dispatch after a lost lease: the claimed mission is claimed again, attempt 1 is stale.
        const second = await s.missions.claim('m', 1, at(3));
        expect(second).toMatchObject({ status: 'claimed', attempt: 2, updatedAt: at(3) });
        expect(await s.missions.finish('m', 1, 'completed', at(4))).toBe(false);
        expect(await s.missions.get('m')).toEqual(second);
        expect(await s.missions.finish('m', 2, 'failed', at(5))).toBe(true);
        expect(await s.missions.get('m')).toEqual({
          ...created,
          status: 'failed',
          attempt: 2,
          updatedAt: at(5),
        });
        // Finished is final: no second result, no claim, no cancel.
        expect(await s.missions.finish('m', 2, 'completed', at(6))).toBe(false);
        expect(await s.missions.claim('m', 2, at(6))).toBeNull();
        expect(await s.missions.cancel('m', at(6))).toBe(false);
        expect(await s.missions.get('m')).toMatchObject({ status: 'failed', attempt: 2, updatedAt: at(5) });
      });

      it('should complete a mission claimed once', async () => {
        await s.missions.create(aMission('m', 'worker'));
        await s.missions.claim('m', 0, at(1));
        expect(await s.missions.finish('m', 1, 'completed', at(2))).toBe(true);
        expect(await s.missions.get('m')).toMatchObject({
          status: 'completed',
          attempt: 1,
          updatedAt: at(2),
        });
      });

      it('should not finish a mission nobody claimed, and leave absent missions alone', async () => {
        const pending = await s.missions.create(aMission('p', 'worker'));
        expect(await s.missions.finish('p', 0, 'completed', at(1))).toBe(false);
        expect(await s.missions.finish('p', 1, 'completed', at(1))).toBe(false);
        expect(await s.missions.get('p')).toEqual(pending);
        expect(await s.missions.claim('absent', 0, at(1))).toBeNull();
        expect(await s.missions.finish('absent', 1, 'completed', at(1))).toBe(false);
        expect(await s.missions.cancel('absent', at(1))).toBe(false);
        expect(await codeOf(s.missions.get('absent'))).toBe('MISSION_NOT_FOUND');
      });

      it('should cancel pending and claimed missions, and nothing that has ended', async () => {
        await s.missions.create(aMission('pending', 'worker'));
        await s.missions.create(aMission('claimed', 'worker'));
        await s.missions.create(aMission('done', 'worker'));
        await s.missions.claim('claimed', 0, at(1));
        await s.missions.claim('done', 0, at(1));
        await s.missions.finish('done', 1, 'completed', at(2));

        expect(await s.missions.cancel('pending', at(3))).toBe(true);
        expect(await s.missions.get('pending')).toMatchObject({
          status: 'cancelled',
          attempt: 0,
          updatedAt: at(3),
        });
        expect(await s.missions.cancel('pending', at(4))).toBe(false);
        expect(await s.missions.claim('pending', 0, at(4))).toBeNull();

        expect(await s.missions.cancel('claimed', at(3))).toBe(true);
        expect(await s.missions.get('claimed')).toMatchObject({ status: 'cancelled', attempt: 1 });
        // The worker holding attempt 1 can no longer record a result.
        expect(await s.missions.finish('claimed', 1, 'completed', at(4))).toBe(false);

        expect(await s.missions.cancel('done', at(3))).toBe(false);
        expect(await s.missions.get('done')).toMatchObject({ status: 'completed', updatedAt: at(2) });
        expect(await s.missions.listOpen(10)).toEqual([]);
      });
    });

    describe('missions: listing', () => {
      it('should list open missions in creation order, whatever their timestamps, bounded', async () => {
        await start('a1');
        await start('a2');
        const ids = ['m-0', 'm-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6', 'm-7'];
        // Created in id order with decreasing timestamps: the order is creation, not createdAt.
        for (const [i, id] of ids.entries()) {
          await s.missions.create(aMission(id, i % 2 === 0 ? 'a1' : 'a2', { createdAt: at(100 - i) }));
        }
        await s.missions.claim('m-1', 0, at(200));
        await s.missions.claim('m-1', 1, at(201));
        await s.missions.claim('m-2', 0, at(200));
        await s.missions.finish('m-2', 1, 'completed', at(202));
        await s.missions.cancel('m-3', at(200));
        await s.missions.claim('m-5', 0, at(200));
        await s.missions.finish('m-5', 1, 'failed', at(202));
        await s.missions.claim('m-6', 0, at(200));

        const open = await s.missions.listOpen(100);
        expect(open.map((m) => [m.id, m.status, m.attempt])).toEqual([
          ['m-0', 'pending', 0],
          ['m-1', 'claimed', 2],
          ['m-4', 'pending', 0],
          ['m-6', 'claimed', 1],
          ['m-7', 'pending', 0],
        ]);
        for (const mission of open) expect(await s.missions.get(mission.id)).toEqual(mission);
        expect((await s.missions.listOpen(2)).map((m) => m.id)).toEqual(['m-0', 'm-1']);
        expect((await s.missions.listOpen(500)).map((m) => m.id)).toEqual(open.map((m) => m.id));
        expect((await s.missions.listOpenForAgent('a1')).map((m) => m.id)).toEqual(['m-0', 'm-4', 'm-6']);
        expect((await s.missions.listOpenForAgent('a2')).map((m) => m.id)).toEqual(['m-1', 'm-7']);
        expect(await s.missions.listOpenForAgent('ghost')).toEqual([]);
        // A mission created after others were finished still comes last.
        await s.missions.create(aMission('m-8', 'a1', { createdAt: at(0) }));
        expect((await s.missions.listOpen(100)).at(-1)?.id).toBe('m-8');
      });

      it('should reject a bad page size', async () => {
        for (const limit of [0, -1, 1.5, 501]) {
          expect(await codeOf(s.missions.listOpen(limit))).toBe('PAGE_LIMIT_INVALID');
        }
      });
    });

    describe('missions: races', () => {
      beforeEach(async () => {
        await start('crowd');
      });

      it(`should let exactly one of six concurrent claimers win, and only a current one, ${missionRaces} times`, async () => {
        await withPeer(async (other) => {
          const pick = (k: number) => (k % 2 === 0 ? s : other);
          for (let i = 0; i < missionRaces; i++) {
            const id = `race-${i}`;
            await s.missions.create(aMission(id, 'crowd', { createdAt: at(i) }));
            const claims = await Promise.all(
              Array.from({ length: 6 }, (_, k) => pick(k).missions.claim(id, 0, at(1_000 + k))),
            );
            const winners = claims.filter((c): c is MissionRecord => c !== null);
            expect(winners).toHaveLength(1);
            expect(winners[0]).toMatchObject({ status: 'claimed', attempt: 1 });
            expect(await s.missions.get(id)).toEqual(winners[0]);

            // Re-dispatch: three claimers hold the current attempt 1, three the stale attempt 0.
            const again = await Promise.all(
              Array.from({ length: 6 }, (_, k) => pick(k).missions.claim(id, k < 3 ? 1 : 0, at(2_000 + k))),
            );
            const current = again.findIndex((c) => c !== null);
            expect(again.filter((c) => c !== null)).toHaveLength(1);
            expect(current).toBeLessThan(3);
            expect(await s.missions.get(id)).toMatchObject({
              status: 'claimed',
              attempt: 2,
              updatedAt: at(2_000 + current),
            });
          }
        });
      }, 60_000);

      it(`should let a stale worker's finish lose to a re-claim or beat it, never both, ${missionRaces} times`, async () => {
        await withPeer(async (other) => {
          for (let i = 0; i < missionRaces; i++) {
            const id = `stale-${i}`;
            await s.missions.create(aMission(id, 'crowd'));
            await s.missions.claim(id, 0, at(1));
            const [finished, reclaimed] = await Promise.all([
              s.missions.finish(id, 1, 'completed', at(2)),
              other.missions.claim(id, 1, at(3)),
            ]);
            expect(finished).toBe(reclaimed === null);
            const final = await s.missions.get(id);
            if (finished) {
              expect(final).toMatchObject({ status: 'completed', attempt: 1, updatedAt: at(2) });
              continue;
            }
            expect(final).toMatchObject({ status: 'claimed', attempt: 2, updatedAt: at(3) });
            // The stale worker retries its result: still refused. The current one's lands.
            expect(await s.missions.finish(id, 1, 'completed', at(4))).toBe(false);
            expect(await other.missions.finish(id, 2, 'failed', at(5))).toBe(true);
            expect(await s.missions.get(id)).toMatchObject({ status: 'failed', attempt: 2 });
          }
        });
      }, 60_000);

      it(`should cancel a mission whatever claimers and finishers race it, ${missionRaces} times`, async () => {
        await withPeer(async (other) => {
          for (let i = 0; i < missionRaces; i++) {
            const id = `cancel-${i}`;
            await s.missions.create(aMission(id, 'crowd'));
            const [cancelled, ...claims] = await Promise.all([
              s.missions.cancel(id, at(1)),
              other.missions.claim(id, 0, at(2)),
              s.missions.claim(id, 0, at(2)),
              other.missions.claim(id, 0, at(2)),
            ]);
            // A claim before the cancel wins (claimed → cancelled); one after it finds nothing open.
            expect(cancelled).toBe(true);
            const winners = claims.filter((c) => c !== null);
            expect(winners.length).toBeLessThanOrEqual(1);
            expect(await s.missions.get(id)).toMatchObject({
              status: 'cancelled',
              attempt: winners.length,
              updatedAt: at(1),
            });
            if (winners.length === 1)
              expect(await other.missions.finish(id, 1, 'completed', at(3))).toBe(false);

            // A claimed mission: cancel and the worker's finish race, exactly one applies.
            const held = `held-${i}`;
            await s.missions.create(aMission(held, 'crowd'));
            await s.missions.claim(held, 0, at(1));
            const [cancel, finish] = await Promise.all([
              s.missions.cancel(held, at(2)),
              other.missions.finish(held, 1, 'completed', at(3)),
            ]);
            expect([cancel, finish].filter(Boolean)).toHaveLength(1);
            expect((await s.missions.get(held)).status).toBe(cancel ? 'cancelled' : 'completed');
          }
          expect(await s.missions.listOpen(10)).toEqual([]);
        });
      }, 60_000);
    });

    describe('gateway credentials', () => {
      it('should issue, find and revoke per-agent credentials', async () => {
        const issued = await s.credentials.issue({
          id: 'c1',
          agent: 'a1',
          tokenHash: HASH(11),
          createdAt: at(0),
          expiresAt: at(60_000),
        });
        await s.credentials.issue({
          id: 'c2',
          agent: 'a1',
          tokenHash: HASH(12),
          createdAt: at(0),
          expiresAt: null,
        });
        await s.credentials.issue({
          id: 'c3',
          agent: 'a2',
          tokenHash: HASH(13),
          createdAt: at(0),
          expiresAt: null,
        });
        expect(issued.revokedAt).toBeNull();
        expect(await s.credentials.findByHash(HASH(11))).toEqual(issued);
        expect(await s.credentials.findByHash(HASH(99))).toBeNull();
        expect(await s.credentials.revokeForAgent('a1', at(5))).toBe(2);
        expect(await s.credentials.revokeForAgent('a1', at(6))).toBe(0);
        expect((await s.credentials.findByHash(HASH(12)))?.revokedAt?.toISOString()).toBe(
          at(5).toISOString(),
        );
        expect((await s.credentials.findByHash(HASH(13)))?.revokedAt).toBeNull();
      });

      it('should refuse a token hash that is not a SHA-256', async () => {
        expect(
          await codeOf(
            s.credentials.issue({
              id: 'c',
              agent: 'a',
              tokenHash: 'plaintext-token',
              createdAt: at(0),
              expiresAt: null,
            }),
          ),
        ).toBe('CREDENTIAL_INVALID');
      });
    });
  });
}
