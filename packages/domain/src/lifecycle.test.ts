import { describe, expect, it } from '@jest/globals';

import { AGENT_STATUSES, type AgentMode, type AgentStatus } from './agent.js';
import { AgentTransitionInvalidError, DomainError } from './errors.js';
import {
  canTransition,
  checkTransition,
  createsAgent,
  fromStatuses,
  isLive,
  isTerminal,
  LIFECYCLE_TRIGGERS,
  lifecycleAction,
  lifecycleEvent,
  LIVE_STATUSES,
  nextStatus,
  targetStatus,
  TERMINAL_STATUSES,
  type LifecycleState,
  type LifecycleTrigger,
} from './lifecycle.js';

/**
 * DESIGN.md §3, written out by hand: one row per state ('new' is an agent that does not exist
 * yet), the allowed triggers of that row and where each leads. Everything absent is invalid.
 */
const EXPECTED: Readonly<Record<string, Readonly<Partial<Record<LifecycleTrigger, AgentStatus>>>>> = {
  new: { enqueue: 'queued', start: 'running' },
  queued: { start: 'running', fail: 'failed', stop: 'stopped' },
  running: { turn_end: 'idle', complete: 'completed', fail: 'failed', stop: 'stopped' },
  idle: { say: 'running', complete: 'completed', fail: 'failed', stop: 'stopped' },
  completed: { say: 'running' },
  failed: { say: 'running' },
  stopped: { say: 'running' },
};

const STATES: readonly LifecycleState[] = [
  null,
  'queued',
  'running',
  'idle',
  'completed',
  'failed',
  'stopped',
];
const TRIGGERS: readonly LifecycleTrigger[] = [
  'enqueue',
  'start',
  'turn_end',
  'say',
  'complete',
  'fail',
  'stop',
];

function label(state: LifecycleState): string {
  return state ?? 'new';
}

function expectedTarget(state: LifecycleState, trigger: LifecycleTrigger): AgentStatus | undefined {
  return EXPECTED[label(state)]?.[trigger];
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function agentIn(
  status: AgentStatus,
  mode: AgentMode,
  resumeToken: string | null,
): { name: string; status: AgentStatus; mode: AgentMode; resumeToken: string | null } {
  return { name: 'worker-1', status, mode, resumeToken };
}

describe('lifecycle table', () => {
  it('should cover exactly the states and triggers of the domain', () => {
    expect(STATES.slice(1)).toEqual([...AGENT_STATUSES]);
    expect(TRIGGERS).toEqual([...LIFECYCLE_TRIGGERS]);
    expect(Object.keys(EXPECTED)).toEqual(STATES.map(label));
  });
});

describe(canTransition.name, () => {
  for (const state of STATES) {
    for (const trigger of TRIGGERS) {
      const target = expectedTarget(state, trigger);
      it(`should ${target ? 'allow' : 'refuse'} ${trigger} while ${label(state)}`, () => {
        expect(canTransition(state, trigger)).toBe(target !== undefined);
      });
    }
  }
});

describe(nextStatus.name, () => {
  for (const state of STATES) {
    for (const trigger of TRIGGERS) {
      const target = expectedTarget(state, trigger);
      if (target) {
        it(`should lead from ${label(state)} to ${target} on ${trigger}`, () => {
          expect(nextStatus(state, trigger, 'worker-1')).toBe(target);
        });
      } else {
        it(`should throw a conflict on ${trigger} while ${label(state)}`, () => {
          const error = thrownBy(() => nextStatus(state, trigger, 'worker-1'));

          expect(error).toBeInstanceOf(AgentTransitionInvalidError);
          expect(error).toBeInstanceOf(DomainError);
          expect(error).toMatchObject({
            code: 'AGENT_TRANSITION_INVALID',
            category: 'conflict',
            details: { agent: 'worker-1', from: state, trigger },
          });
          expect((error as Error).message).toBe(`agent "worker-1" cannot ${trigger} while ${label(state)}`);
        });
      }
    }
  }

  it("should name the agent '?' when no name is given", () => {
    expect(() => nextStatus('completed', 'stop')).toThrow('agent "?" cannot stop while completed');
  });
});

describe(fromStatuses.name, () => {
  const expected: Record<LifecycleTrigger, AgentStatus[]> = {
    enqueue: [],
    start: ['queued'],
    turn_end: ['running'],
    say: ['idle', 'completed', 'failed', 'stopped'],
    complete: ['running', 'idle'],
    fail: ['queued', 'running', 'idle'],
    stop: ['queued', 'running', 'idle'],
  };

  for (const trigger of TRIGGERS) {
    it(`should list the existing statuses ${trigger} may fire from`, () => {
      expect([...fromStatuses(trigger)].sort()).toEqual([...expected[trigger]].sort());
    });
  }

  it('should return a copy the caller may change', () => {
    fromStatuses('fail').push('completed');

    expect(fromStatuses('fail')).not.toContain('completed');
  });
});

describe(createsAgent.name, () => {
  for (const trigger of TRIGGERS) {
    const creates = trigger === 'enqueue' || trigger === 'start';
    it(`should ${creates ? '' : 'not '}let ${trigger} create an agent`, () => {
      expect(createsAgent(trigger)).toBe(creates);
    });
  }
});

describe(targetStatus.name, () => {
  const expected: Record<LifecycleTrigger, AgentStatus> = {
    enqueue: 'queued',
    start: 'running',
    turn_end: 'idle',
    say: 'running',
    complete: 'completed',
    fail: 'failed',
    stop: 'stopped',
  };

  for (const trigger of TRIGGERS) {
    it(`should lead ${trigger} to ${expected[trigger]}`, () => {
      expect(targetStatus(trigger)).toBe(expected[trigger]);
    });
  }
});

describe(checkTransition.name, () => {
  for (const status of ['completed', 'failed', 'stopped'] as const) {
    it(`should resume a ${status} batch agent that has a resume token`, () => {
      expect(checkTransition(agentIn(status, 'batch', 'sess-1'), 'say')).toBe('running');
    });

    it(`should refuse to resume a ${status} batch agent without a resume token`, () => {
      const error = thrownBy(() => checkTransition(agentIn(status, 'batch', null), 'say'));

      expect(error).toBeInstanceOf(AgentTransitionInvalidError);
      expect(error).toMatchObject({ code: 'AGENT_TRANSITION_INVALID', category: 'conflict' });
      expect((error as Error).message).toMatch(/no resume token/);
    });

    it(`should refuse to resume a ${status} batch agent whose resume token is empty`, () => {
      expect(() => checkTransition(agentIn(status, 'batch', ''), 'say')).toThrow(AgentTransitionInvalidError);
    });

    it(`should refuse to resume a ${status} stream agent even with a resume token`, () => {
      const error = thrownBy(() => checkTransition(agentIn(status, 'stream', 'sess-1'), 'say'));

      expect(error).toBeInstanceOf(AgentTransitionInvalidError);
      expect((error as Error).message).toMatch(/only a batch agent can be resumed/);
    });
  }

  it('should start a new turn of an idle agent without mode or token requirements', () => {
    expect(checkTransition(agentIn('idle', 'stream', null), 'say')).toBe('running');
    expect(checkTransition(agentIn('idle', 'batch', null), 'say')).toBe('running');
  });

  it('should apply the plain table to triggers other than say', () => {
    expect(checkTransition(agentIn('queued', 'stream', null), 'stop')).toBe('stopped');
    expect(checkTransition(agentIn('running', 'batch', null), 'complete')).toBe('completed');
    expect(() => checkTransition(agentIn('completed', 'batch', 'sess-1'), 'start')).toThrow(
      AgentTransitionInvalidError,
    );
  });

  it('should refuse say while running, whatever the token', () => {
    expect(() => checkTransition(agentIn('running', 'batch', 'sess-1'), 'say')).toThrow(
      'agent "worker-1" cannot say while running',
    );
  });
});

describe(isTerminal.name, () => {
  it('should partition the statuses with isLive', () => {
    const terminal = AGENT_STATUSES.filter((status) => isTerminal(status));
    const live = AGENT_STATUSES.filter((status) => isLive(status));

    expect(terminal).toEqual(['completed', 'failed', 'stopped']);
    expect(live).toEqual(['queued', 'running', 'idle']);
    for (const status of AGENT_STATUSES) {
      expect(isTerminal(status)).toBe(!isLive(status));
    }
  });

  it('should agree with TERMINAL_STATUSES and LIVE_STATUSES', () => {
    expect([...TERMINAL_STATUSES, ...LIVE_STATUSES].sort()).toEqual([...AGENT_STATUSES].sort());
    expect(TERMINAL_STATUSES.filter((status) => LIVE_STATUSES.includes(status))).toEqual([]);
  });

  it('should leave a terminal agent no way out but say', () => {
    for (const status of TERMINAL_STATUSES) {
      expect(TRIGGERS.filter((trigger) => canTransition(status, trigger))).toEqual(['say']);
    }
  });

  it('should keep every live agent able to fail and stop', () => {
    for (const status of LIVE_STATUSES) {
      expect(canTransition(status, 'fail')).toBe(true);
      expect(canTransition(status, 'stop')).toBe(true);
    }
  });
});

describe(lifecycleAction.name, () => {
  it.each([
    ['enqueue', null, 'agent.queued'],
    ['start', null, 'agent.started'],
    ['start', 'queued', 'agent.started'],
    ['turn_end', 'running', 'agent.idle'],
    ['say', 'idle', 'agent.turn_started'],
    ['say', 'completed', 'agent.resumed'],
    ['say', 'failed', 'agent.resumed'],
    ['say', 'stopped', 'agent.resumed'],
    ['complete', 'running', 'agent.completed'],
    ['fail', 'queued', 'agent.failed'],
    ['stop', 'idle', 'agent.stopped'],
  ] as const)('should name %s from %s %s', (trigger, from, action) => {
    expect(lifecycleAction(from, trigger)).toBe(action);
  });
});

describe(lifecycleEvent.name, () => {
  const at = new Date('2026-03-01T12:00:00.000Z');

  it('should describe the creation of an agent as coming from new', () => {
    const event = lifecycleEvent({ agent: 'worker-1', from: null, trigger: 'enqueue', at });

    expect(event).toEqual({
      ts: at,
      component: 'lifecycle',
      category: 'agent',
      resource: 'agent/worker-1',
      action: 'agent.queued',
      outcome: 'success',
      severity: 'info',
      agent: 'worker-1',
      run: null,
      attrs: { from: 'new', to: 'queued' },
    });
  });

  it('should record the run, the target status and the reason', () => {
    const event = lifecycleEvent({
      agent: 'worker-1',
      run: 'run-0001',
      from: 'running',
      trigger: 'stop',
      at,
      reason: 'killed by host',
    });

    expect(event.run).toBe('run-0001');
    expect(event.attrs).toEqual({ from: 'running', to: 'stopped', reason: 'killed by host' });
  });

  it('should leave out an empty or null reason', () => {
    expect(
      lifecycleEvent({ agent: 'a', from: 'running', trigger: 'complete', at, reason: '' }).attrs,
    ).toEqual({
      from: 'running',
      to: 'completed',
    });
    expect(
      lifecycleEvent({ agent: 'a', from: 'running', trigger: 'complete', at, reason: null }).attrs,
    ).toEqual({
      from: 'running',
      to: 'completed',
    });
  });

  it('should keep caller attrs without letting them override from, to or reason', () => {
    const event = lifecycleEvent({
      agent: 'a',
      from: 'idle',
      trigger: 'say',
      at,
      reason: 'host said hi',
      attrs: { from: 'forged', to: 'forged', reason: 'forged', prompt: 'p-1' },
    });

    expect(event.attrs).toEqual({ from: 'idle', to: 'running', reason: 'host said hi', prompt: 'p-1' });
  });

  const severities: Record<LifecycleTrigger, [string, string]> = {
    enqueue: ['info', 'success'],
    start: ['info', 'success'],
    turn_end: ['info', 'success'],
    say: ['info', 'success'],
    complete: ['info', 'success'],
    fail: ['error', 'failure'],
    stop: ['warn', 'success'],
  };

  for (const trigger of TRIGGERS) {
    const [severity, outcome] = severities[trigger];
    it(`should give ${trigger} severity ${severity} and outcome ${outcome}`, () => {
      const from = fromStatuses(trigger)[0] ?? null;
      const event = lifecycleEvent({ agent: 'a', from, trigger, at });

      expect(event.severity).toBe(severity);
      expect(event.outcome).toBe(outcome);
      expect(event.action).toBe(lifecycleAction(from, trigger));
      expect(event.attrs.to).toBe(targetStatus(trigger));
    });
  }
});
