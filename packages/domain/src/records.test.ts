import { describe, expect, it } from '@jest/globals';

import { LIMITS } from './agent.js';
import { EVENT_LIMITS, type EventDraft } from './event.js';
import { MISSION_LIMITS, type MissionDraft } from './mission.js';
import {
  checkLimit,
  checkMissionAttempt,
  checkMissionResult,
  checkMissionTime,
  creationEvent,
  newAgentRecord,
  newMissionRecord,
  validateEventDraft,
  validateMessageDraft,
  validateRunHandle,
} from './records.js';
import { RUN_LIMITS } from './run.js';

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

describe(validateRunHandle.name, () => {
  it('should accept a backend handle up to the limit', () => {
    expect(validateRunHandle('local:1234:998877')).toBe('local:1234:998877');
    expect(validateRunHandle('k'.repeat(RUN_LIMITS.handleChars))).toHaveLength(RUN_LIMITS.handleChars);
    expect(validateRunHandle('local:ünï-😀')).toBe('local:ünï-😀');
  });

  it('should reject empty, oversized, control-character and malformed handles', () => {
    for (const bad of [
      '',
      'k'.repeat(RUN_LIMITS.handleChars + 1),
      'local:1\n2',
      'local:\u0000',
      'local:\t1',
      'local:\u007f',
      'local:\u0085',
      'local:\ud83d',
      42 as unknown as string,
    ]) {
      expect(codeOf(() => validateRunHandle(bad))).toBe('RUN_HANDLE_INVALID');
    }
  });
});

describe(newMissionRecord.name, () => {
  const draft: MissionDraft = {
    id: 'mission-1',
    agent: 'worker-1',
    runKind: 'initial',
    prompt: 'fix the build',
    payload: { priority: 1, nested: { list: [1, 'two', null, true] } },
    createdAt: at,
  };
  const fieldOf = (patch: Partial<Record<keyof MissionDraft, unknown>>): unknown => {
    try {
      newMissionRecord({ ...draft, ...patch } as MissionDraft);
    } catch (error) {
      expect(error).toMatchObject({ code: 'MISSION_INVALID', category: 'invalid' });
      return (error as { details: { field: unknown } }).details.field;
    }
    return undefined;
  };

  it('should make a pending mission at attempt 0, updated when created, holding copies', () => {
    const record = newMissionRecord(draft);

    expect(record).toEqual({ ...draft, attempt: 0, status: 'pending', updatedAt: at });
    expect(record.createdAt).not.toBe(at);
    expect(record.updatedAt).not.toBe(record.createdAt);
    expect(record.payload).not.toBe(draft.payload);
    expect(record.payload.nested).not.toBe(draft.payload.nested);
  });

  it('should ignore an attempt smuggled into the draft', () => {
    const smuggled = { ...draft, attempt: 7 };

    expect(newMissionRecord(smuggled).attempt).toBe(0);
  });

  it('should accept a null prompt, an empty payload and a payload of exactly the limit', () => {
    expect(newMissionRecord({ ...draft, prompt: null, payload: {} })).toMatchObject({
      prompt: null,
      payload: {},
    });
    // {"p":"…"} is 8 bytes around the string.
    const atLimit = { p: 'x'.repeat(MISSION_LIMITS.payloadBytes - 8) };
    expect(JSON.stringify(atLimit)).toHaveLength(MISSION_LIMITS.payloadBytes);
    expect(fieldOf({ payload: atLimit })).toBeUndefined();
    expect(fieldOf({ payload: { p: `${atLimit.p}x` } })).toBe('payload');
  });

  it('should bound the prompt in UTF-8 bytes, not characters', () => {
    // 'é' is 2 bytes: half the limit in characters is exactly the limit in bytes.
    const atLimit = 'é'.repeat(MISSION_LIMITS.promptBytes / 2);
    expect(fieldOf({ prompt: atLimit })).toBeUndefined();
    expect(fieldOf({ prompt: `${atLimit}a` })).toBe('prompt');
    expect(fieldOf({ prompt: '😀'.repeat(MISSION_LIMITS.promptBytes / 4) })).toBeUndefined();
    expect(fieldOf({ prompt: `${'😀'.repeat(MISSION_LIMITS.promptBytes / 4)}a` })).toBe('prompt');
    expect(fieldOf({ prompt: 'a'.repeat(MISSION_LIMITS.promptBytes + 1) })).toBe('prompt');
  });

  it('should bound the payload in UTF-8 bytes of its JSON', () => {
    expect(fieldOf({ payload: { p: 'é'.repeat((MISSION_LIMITS.payloadBytes - 8) / 2) } })).toBeUndefined();
    expect(fieldOf({ payload: { p: 'é'.repeat((MISSION_LIMITS.payloadBytes - 8) / 2 + 1) } })).toBe(
      'payload',
    );
  });

  it('should refuse prompts that a database would not store as given', () => {
    expect(fieldOf({ prompt: 'a\u0000b' })).toBe('prompt');
    expect(fieldOf({ prompt: 'half a pair: \ud83d' })).toBe('prompt');
    expect(fieldOf({ prompt: 42 })).toBe('prompt');
    expect(fieldOf({ prompt: 'tabs\tand\nnewlines are fine' })).toBeUndefined();
  });

  it('should refuse a payload that is not a JSON object or would not survive JSON', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let deep: Record<string, unknown> = {};
    for (let i = 1; i < MISSION_LIMITS.payloadDepth; i++) deep = { d: deep };
    expect(fieldOf({ payload: deep })).toBeUndefined();
    for (const bad of [
      null,
      [],
      'text',
      new Date(0),
      new Map(),
      { when: new Date(0) },
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
      { u: undefined },
      { list: [1, undefined] },
      { f: () => 1 },
      { b: 10n },
      { s: Symbol('s') },
      { [Symbol('key')]: 1 },
      circular,
      { d: deep },
      { p: 'x'.repeat(MISSION_LIMITS.payloadBytes) },
    ]) {
      expect(fieldOf({ payload: bad })).toBe('payload');
    }
    expect(fieldOf({ payload: Object.assign(Object.create(null) as object, { a: 1 }) })).toBeUndefined();
  });

  it('should name the offending path in the message', () => {
    expect(() => newMissionRecord({ ...draft, payload: { a: { b: [0, Number.NaN] } } })).toThrow(
      'mission payload.a.b[1] must be a finite number, got NaN',
    );
  });

  it('should refuse a bad id, run kind or creation time', () => {
    expect(fieldOf({ id: '' })).toBe('id');
    expect(fieldOf({ id: 'm'.repeat(MISSION_LIMITS.idChars + 1) })).toBe('id');
    expect(fieldOf({ id: 'm'.repeat(MISSION_LIMITS.idChars) })).toBeUndefined();
    expect(fieldOf({ id: 'm\n1' })).toBe('id');
    expect(fieldOf({ agent: 7 })).toBe('agent');
    expect(fieldOf({ runKind: 'rerun' })).toBe('runKind');
    expect(fieldOf({ createdAt: new Date(Number.NaN) })).toBe('createdAt');
    expect(fieldOf({ createdAt: '2026-01-01' })).toBe('createdAt');
  });
});

describe('mission write checks', () => {
  it('should take non-negative integer attempts only', () => {
    expect(checkMissionAttempt(0)).toBe(0);
    expect(checkMissionAttempt(12)).toBe(12);
    expect(checkMissionAttempt(Number.MAX_SAFE_INTEGER - 1)).toBe(Number.MAX_SAFE_INTEGER - 1);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, Number.MAX_SAFE_INTEGER]) {
      expect(codeOf(() => checkMissionAttempt(bad))).toBe('MISSION_INVALID');
    }
  });

  it('should finish as completed or failed only', () => {
    expect(checkMissionResult('completed')).toBe('completed');
    expect(checkMissionResult('failed')).toBe('failed');
    for (const bad of ['cancelled', 'pending', 'claimed', 'done']) {
      expect(codeOf(() => checkMissionResult(bad as 'failed'))).toBe('MISSION_INVALID');
    }
  });

  it('should take valid dates only', () => {
    expect(checkMissionTime(at)).toBe(at);
    expect(codeOf(() => checkMissionTime(new Date(Number.NaN)))).toBe('MISSION_INVALID');
    expect(codeOf(() => checkMissionTime(0 as unknown as Date))).toBe('MISSION_INVALID');
  });
});
