import { describe, expect, it } from '@jest/globals';

import { LIMITS } from './agent.js';
import { EVENT_LIMITS, type EventDraft } from './event.js';
import {
  checkLimit,
  creationEvent,
  newAgentRecord,
  validateEventDraft,
  validateMessageDraft,
} from './records.js';

const at = new Date('2026-03-04T05:06:07.890Z');
const event: EventDraft = {
  ts: at,
  component: 'c',
  category: 'k',
  resource: 'r',
  action: 'a',
  outcome: 'success',
  severity: 'info',
  agent: null,
  run: null,
  attrs: {},
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe(newAgentRecord.name, () => {
  it('should fill every default for a started agent', () => {
    const agent = newAgentRecord({
      draft: { name: 'a1', runtime: 'codex' },
      trigger: 'start',
      at,
      run: 'run-1',
    });
    expect(agent).toEqual({
      name: 'a1',
      runtime: 'codex',
      mode: 'batch',
      status: 'running',
      workspacePath: null,
      branch: null,
      baseBranch: null,
      resumeToken: null,
      intent: null,
      lastOutput: null,
      parentAgent: null,
      labels: {},
      createdAt: at,
      startedAt: at,
      finishedAt: null,
      exitCode: null,
      failureReason: null,
      usage: null,
      currentRunId: 'run-1',
    });
    expect(agent.createdAt).not.toBe(at);
  });

  it('should queue without a start time and refuse bad names and labels', () => {
    expect(
      newAgentRecord({ draft: { name: 'q', runtime: 'command' }, trigger: 'enqueue', at }),
    ).toMatchObject({
      status: 'queued',
      startedAt: null,
    });
    expect(
      codeOf(() => newAgentRecord({ draft: { name: 'a b', runtime: 'command' }, trigger: 'start', at })),
    ).toBe('AGENT_NAME_INVALID');
    expect(
      codeOf(() =>
        newAgentRecord({
          draft: { name: 'ok', runtime: 'command', labels: { '': 'x' } },
          trigger: 'start',
          at,
        }),
      ),
    ).toBe('AGENT_LABELS_INVALID');
  });
});

describe(creationEvent.name, () => {
  it('should describe the creation with the runtime, whatever the caller passes', () => {
    const draft = creationEvent({
      draft: { name: 'a1', runtime: 'claude' },
      trigger: 'enqueue',
      at,
      attrs: { runtime: 'spoofed', origin: 'cli' },
    });
    expect(draft).toMatchObject({ action: 'agent.queued', agent: 'a1', run: null });
    expect(draft.attrs).toEqual({ origin: 'cli', runtime: 'claude', from: 'new', to: 'queued' });
  });
});

describe(checkLimit.name, () => {
  it('should accept 1..max and reject the rest with the range in the message', () => {
    expect(checkLimit(1, 10)).toBe(1);
    expect(checkLimit(10, 10)).toBe(10);
    for (const bad of [0, 11, 1.5, Number.NaN, -1]) {
      expect(() => checkLimit(bad, 10)).toThrow(/from 1 to 10/);
    }
  });
});

describe(validateEventDraft.name, () => {
  it('should accept a minimal event', () => {
    expect(
      codeOf(() => {
        validateEventDraft(event);
      }),
    ).toBeUndefined();
  });

  it('should reject each kind of bad event', () => {
    const bad: Partial<EventDraft>[] = [
      { action: '' },
      { resource: 'r'.repeat(EVENT_LIMITS.fieldChars + 1) },
      { outcome: 'maybe' as never },
      { severity: 'fatal' as never },
      { ts: new Date(Number.NaN) },
      { attrs: Object.fromEntries(Array.from({ length: EVENT_LIMITS.attrs + 1 }, (_, i) => [`k${i}`, 'v'])) },
      { attrs: { long: 'v'.repeat(EVENT_LIMITS.attrValueChars + 1) } },
      { attrs: { n: 1 as never } },
    ];
    for (const patch of bad)
      expect(
        codeOf(() => {
          validateEventDraft({ ...event, ...patch });
        }),
      ).toBe('EVENT_INVALID');
  });
});

describe(validateMessageDraft.name, () => {
  const message = { from: 'host', to: 'agent-1', body: 'hi', createdAt: at };

  it('should accept a message to an agent or a mailbox', () => {
    expect(
      codeOf(() => {
        validateMessageDraft(message);
      }),
    ).toBeUndefined();
    expect(
      codeOf(() => {
        validateMessageDraft({ ...message, to: 'controlplane' });
      }),
    ).toBeUndefined();
  });

  it('should reject bad addresses, empty or oversized bodies and bad dates', () => {
    for (const patch of [
      { from: '../x' },
      { to: '' },
      { body: '' },
      { body: 'b'.repeat(LIMITS.messageBodyChars + 1) },
      { createdAt: new Date(Number.NaN) },
    ]) {
      expect(
        codeOf(() => {
          validateMessageDraft({ ...message, ...patch });
        }),
      ).toBe('MESSAGE_INVALID');
    }
  });
});
