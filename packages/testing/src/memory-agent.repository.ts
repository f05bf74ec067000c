import {
  checkLimit,
  newAgentRecord,
  creationEvent,
  type Agent,
  AgentAlreadyExistsError,
  type AgentEvent,
  type AgentFilter,
  type AgentInfoPatch,
  AgentNotFoundError,
  AgentRepository,
  AgentTransitionInvalidError,
  boundHead,
  boundTail,
  canTransition,
  checkTransition,
  type CreateAgentRequest,
  isLive,
  isTerminal,
  lifecycleEvent,
  LIMITS,
  nextStatus,
  PAGE_MAX,
  type Page,
  type PageRequest,
  type TransitionRequest,
  type TransitionResult,
  transitionRunHandle,
  ValidationError,
} from '@fracta/domain';

import { MemoryStoreState, type StoredAgent } from './memory-store-state.js';
import { copyAgent, copyDate, copyEvent, type Mutable, settle } from './memory-support.js';

const CURSOR_PREFIX = 'agents:';

/**
 * AgentRepository in memory, faithful to the port: guarded transitions that apply atomically with
 * exactly one lifecycle event (appended to the same store's events), creation-ordered keyset paging.
 */
export class MemoryAgentRepository extends AgentRepository {
  private readonly state: MemoryStoreState;

  constructor(state: MemoryStoreState = new MemoryStoreState()) {
    super();
    this.state = state;
  }

  override create(request: CreateAgentRequest): Promise<{ agent: Agent; event: AgentEvent }> {
    return settle(() => {
      const agent = newAgentRecord(request);
      const name = agent.name;
      if (this.state.agents.has(name)) throw new AgentAlreadyExistsError(name);
      const event = this.state.appendEvent(creationEvent(request));
      this.state.agents.set(name, { seq: this.state.nextAgentSeq(), agent });
      return { agent: copyAgent(agent), event: copyEvent(event) };
    });
  }

  override get(name: string): Promise<Agent> {
    return settle(() => copyAgent(this.require(name).agent));
  }

  override find(name: string): Promise<Agent | null> {
    return settle(() => {
      const stored = this.state.agents.get(name);
      return stored ? copyAgent(stored.agent) : null;
    });
  }

  override list(filter: AgentFilter, page: PageRequest): Promise<Page<Agent>> {
    return settle(() => {
      checkLimit(page.limit, PAGE_MAX);
      const after = page.cursor === undefined || page.cursor === null ? 0 : decodeCursor(page.cursor);
      const matching = this.ordered().filter((stored) => stored.seq > after && matches(stored.agent, filter));
      const items = matching.slice(0, page.limit);
      const last = items.at(-1);
      return {
        items: items.map((stored) => copyAgent(stored.agent)),
        nextCursor: matching.length > page.limit && last ? encodeCursor(last.seq) : null,
      };
    });
  }

  override count(filter: AgentFilter): Promise<number> {
    return settle(() => this.ordered().filter((stored) => matches(stored.agent, filter)).length);
  }

  override transition(request: TransitionRequest): Promise<TransitionResult> {
    return settle((): TransitionResult => {
      const runHandle = transitionRunHandle(request);
      const stored = this.require(request.name);
      const current = stored.agent;
      // Not in fromStatuses(trigger): the conditional write matches no row (usually a lost race).
      if (!canTransition(current.status, request.trigger))
        return { applied: false, agent: copyAgent(current) };
      // Allowed by status but refused by the agent's other fields (say on a finished agent).
      checkTransition(current, request.trigger);
      const next = applyTransition(current, request);
      // Checked before anything changes: the handle and the transition land together or not at all.
      const handled =
        runHandle !== null && request.run
          ? this.state.runWithHandle(request.run, runHandle, request.name)
          : null;
      const event = this.state.appendEvent(
        lifecycleEvent({
          agent: current.name,
          run: request.run ?? null,
          from: current.status,
          trigger: request.trigger,
          at: request.at,
          reason: request.reason ?? null,
          ...(request.attrs ? { attrs: { ...request.attrs } } : {}),
        }),
      );
      stored.agent = next;
      if (handled !== null) this.state.runs.set(handled.id, handled);
      return { applied: true, agent: copyAgent(next), event: copyEvent(event) };
    });
  }

  override update(name: string, patch: AgentInfoPatch): Promise<Agent> {
    return settle(() => {
      const stored = this.require(name);
      const current = stored.agent;
      if (!isLive(current.status)) throw new AgentTransitionInvalidError(name, current.status, 'update');
      const next: Mutable<Agent> = copyAgent(current);
      if (patch.intent !== undefined)
        next.intent = boundNullable(patch.intent, (t) => boundHead(t, LIMITS.intentChars));
      if (patch.lastOutput !== undefined)
        next.lastOutput = boundNullable(patch.lastOutput, (t) => boundTail(t));
      if (patch.usage !== undefined) next.usage = patch.usage === null ? null : { ...patch.usage };
      if (patch.resumeToken !== undefined) next.resumeToken = patch.resumeToken;
      if (patch.currentRunId !== undefined) next.currentRunId = patch.currentRunId;
      stored.agent = next;
      return copyAgent(next);
    });
  }

  override delete(name: string): Promise<boolean> {
    return settle(() => {
      const stored = this.state.agents.get(name);
      if (!stored) return false;
      if (!isTerminal(stored.agent.status))
        throw new AgentTransitionInvalidError(name, stored.agent.status, 'delete');
      this.state.agents.delete(name);
      for (const [id, run] of this.state.runs) if (run.agent === name) this.state.runs.delete(id);
      for (const [id, stored] of this.state.missions) {
        if (stored.mission.agent === name) this.state.missions.delete(id);
      }
      for (const [id, credential] of this.state.credentials) {
        if (credential.agent === name) this.state.credentials.delete(id);
      }
      const kept = this.state.messages.filter((message) => message.from !== name && message.to !== name);
      this.state.messages.splice(0, this.state.messages.length, ...kept);
      this.state.readCursors.delete(name);
      return true;
    });
  }

  private require(name: string): StoredAgent {
    const stored = this.state.agents.get(name);
    if (!stored) throw new AgentNotFoundError(name);
    return stored;
  }

  private ordered(): StoredAgent[] {
    return [...this.state.agents.values()].sort((a, b) => a.seq - b.seq);
  }
}

function applyTransition(current: Agent, request: TransitionRequest): Agent {
  const { trigger, at, patch = {} } = request;
  const next: Mutable<Agent> = copyAgent(current);
  next.status = nextStatus(current.status, trigger, current.name);
  if (trigger === 'start' || trigger === 'say') next.startedAt = copyDate(at);
  if (isTerminal(next.status)) next.finishedAt = copyDate(at);
  if (trigger === 'say' && isTerminal(current.status)) {
    next.finishedAt = null;
    next.exitCode = null;
    next.failureReason = null;
  }
  if (patch.exitCode !== undefined) next.exitCode = patch.exitCode;
  if (patch.failureReason !== undefined) next.failureReason = boundFailureReason(patch.failureReason);
  if (patch.resumeToken !== undefined) next.resumeToken = patch.resumeToken;
  if (patch.lastOutput !== undefined) next.lastOutput = boundNullable(patch.lastOutput, (t) => boundTail(t));
  if (patch.usage !== undefined) next.usage = patch.usage === null ? null : { ...patch.usage };
  if (patch.currentRunId !== undefined) next.currentRunId = patch.currentRunId;
  if (patch.workspacePath !== undefined) next.workspacePath = patch.workspacePath;
  if (patch.branch !== undefined) next.branch = patch.branch;
  if (trigger === 'fail')
    next.failureReason = boundFailureReason(patch.failureReason ?? request.reason ?? null);
  if (request.run !== undefined && request.run !== null) next.currentRunId = request.run;
  return next;
}

function boundNullable(text: string | null, bound: (text: string) => string): string | null {
  return text === null ? null : bound(text);
}

function boundFailureReason(reason: string | null): string | null {
  return boundNullable(reason, (t) => boundHead(t, LIMITS.failureReasonChars));
}

function matches(agent: Agent, filter: AgentFilter): boolean {
  if (filter.statuses !== undefined && !filter.statuses.includes(agent.status)) return false;
  if (filter.runtimes !== undefined && !filter.runtimes.includes(agent.runtime)) return false;
  if (filter.parentAgent !== undefined && agent.parentAgent !== filter.parentAgent) return false;
  if (filter.namePrefix !== undefined && !agent.name.startsWith(filter.namePrefix)) return false;
  if (filter.labels !== undefined) {
    for (const [key, value] of Object.entries(filter.labels)) {
      if (!Object.hasOwn(agent.labels, key) || agent.labels[key] !== value) return false;
    }
  }
  return true;
}

function encodeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const invalid = (): ValidationError =>
    new ValidationError(
      'PAGE_CURSOR_INVALID',
      "malformed page cursor: pass a previous page's nextCursor unchanged",
    );
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) throw invalid();
  const match = /^agents:([1-9][0-9]{0,14})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw invalid();
  const seq = Number(match[1]);
  if (encodeCursor(seq) !== cursor) throw invalid();
  return seq;
}
