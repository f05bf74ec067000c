/**
 * The agent lifecycle (DESIGN.md §3) as pure functions. Stores apply a transition as a
 * conditional update `WHERE status IN (fromStatuses(trigger))`, so two racing writers produce
 * exactly one winner; the winner appends exactly one event built by `lifecycleEvent`.
 */
import { boundHead, type Agent, type AgentStatus } from './agent.js';
import { AgentTransitionInvalidError, assertNever } from './errors.js';
import { EVENT_LIMITS, type EventDraft, type EventSeverity } from './event.js';

export const LIFECYCLE_TRIGGERS = [
  'enqueue',
  'start',
  'turn_end',
  'say',
  'complete',
  'fail',
  'stop',
] as const;
export type LifecycleTrigger = (typeof LIFECYCLE_TRIGGERS)[number];

/** `null` stands for an agent that does not exist yet. */
export type LifecycleState = AgentStatus | null;

export const TERMINAL_STATUSES: readonly AgentStatus[] = ['completed', 'failed', 'stopped'];
export const LIVE_STATUSES: readonly AgentStatus[] = ['queued', 'running', 'idle'];

const TABLE: Readonly<Record<LifecycleTrigger, { from: readonly LifecycleState[]; to: AgentStatus }>> = {
  enqueue: { from: [null], to: 'queued' },
  start: { from: [null, 'queued'], to: 'running' },
  turn_end: { from: ['running'], to: 'idle' },
  say: { from: ['idle', 'completed', 'failed', 'stopped'], to: 'running' },
  complete: { from: ['running', 'idle'], to: 'completed' },
  fail: { from: ['queued', 'running', 'idle'], to: 'failed' },
  stop: { from: ['queued', 'running', 'idle'], to: 'stopped' },
};

export function isTerminal(status: AgentStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isLive(status: AgentStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

/** The statuses (of an existing agent) from which `trigger` may fire. */
export function fromStatuses(trigger: LifecycleTrigger): AgentStatus[] {
  return TABLE[trigger].from.filter((s): s is AgentStatus => s !== null);
}

/** Whether `trigger` may create a new agent. */
export function createsAgent(trigger: LifecycleTrigger): boolean {
  return TABLE[trigger].from.includes(null);
}

export function targetStatus(trigger: LifecycleTrigger): AgentStatus {
  return TABLE[trigger].to;
}

export function canTransition(from: LifecycleState, trigger: LifecycleTrigger): boolean {
  return TABLE[trigger].from.includes(from);
}

/**
 * The status after `trigger` fires in `from`, or an AgentTransitionInvalidError. `say` on a
 * finished agent additionally needs a batch agent with a resume token (see `checkTransition`).
 */
export function nextStatus(from: LifecycleState, trigger: LifecycleTrigger, agentName = '?'): AgentStatus {
  if (!canTransition(from, trigger)) throw new AgentTransitionInvalidError(agentName, from, trigger);
  return TABLE[trigger].to;
}

/** Transition check including the rules that look at more than the status. */
export function checkTransition(
  agent: Pick<Agent, 'name' | 'status' | 'mode' | 'resumeToken'>,
  trigger: LifecycleTrigger,
): AgentStatus {
  const to = nextStatus(agent.status, trigger, agent.name);
  if (trigger === 'say' && isTerminal(agent.status)) {
    if (agent.mode !== 'batch') {
      throw new AgentTransitionInvalidError(
        agent.name,
        agent.status,
        trigger,
        'only a batch agent can be resumed',
      );
    }
    if (!agent.resumeToken) {
      throw new AgentTransitionInvalidError(
        agent.name,
        agent.status,
        trigger,
        'the runtime reported no resume token',
      );
    }
  }
  return to;
}

/** The event action for each trigger, as it appears in the event log and metrics. */
export function lifecycleAction(from: LifecycleState, trigger: LifecycleTrigger): string {
  switch (trigger) {
    case 'enqueue':
      return 'agent.queued';
    case 'start':
      return 'agent.started';
    case 'turn_end':
      return 'agent.idle';
    case 'say':
      return from === 'idle' ? 'agent.turn_started' : 'agent.resumed';
    case 'complete':
      return 'agent.completed';
    case 'fail':
      return 'agent.failed';
    case 'stop':
      return 'agent.stopped';
    default:
      return assertNever(trigger, 'lifecycle trigger');
  }
}

function severityOf(trigger: LifecycleTrigger): EventSeverity {
  switch (trigger) {
    case 'fail':
      return 'error';
    case 'stop':
      return 'warn';
    case 'enqueue':
    case 'start':
    case 'turn_end':
    case 'say':
    case 'complete':
      return 'info';
    default:
      return assertNever(trigger, 'lifecycle trigger');
  }
}

/** The one event a lifecycle transition emits. */
export function lifecycleEvent(params: {
  agent: string;
  run?: string | null | undefined;
  from: LifecycleState;
  trigger: LifecycleTrigger;
  at: Date;
  reason?: string | null | undefined;
  attrs?: Readonly<Record<string, string>> | undefined;
}): EventDraft {
  const to = TABLE[params.trigger].to;
  // Leave room for from/to/reason within the event's attr budget; values are bounded too.
  const callerAttrs = Object.entries(params.attrs ?? {})
    .slice(0, EVENT_LIMITS.attrs - 3)
    .map(([k, v]) => [k, boundHead(v, EVENT_LIMITS.attrValueChars)] as const);
  return {
    ts: new Date(params.at.getTime()),
    component: 'lifecycle',
    category: 'agent',
    resource: `agent/${params.agent}`,
    action: lifecycleAction(params.from, params.trigger),
    outcome: params.trigger === 'fail' ? 'failure' : 'success',
    severity: severityOf(params.trigger),
    agent: params.agent,
    run: params.run ?? null,
    attrs: {
      ...Object.fromEntries(callerAttrs),
      from: params.from ?? 'new',
      to,
      ...(params.reason ? { reason: boundHead(params.reason, EVENT_LIMITS.attrValueChars) } : {}),
    },
  };
}
