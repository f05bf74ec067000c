import { MISSION_LIMITS, type Mission } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { fromWire, toWire } from './mission-wire.js';

const mission: Mission = {
  id: 'mission-0001',
  agent: 'agent-0001',
  runKind: 'say',
  attempt: 3,
  prompt: 'fix the flaky test ✓',
  payload: { command: ['npm', 'test'], nested: { depth: [1, { two: null }] } },
  createdAt: new Date('2026-11-23T10:11:12.345Z'),
};

describe('mission wire format', () => {
  it('should round-trip every field of a mission, the creation time as a Date', () => {
    const wire = toWire(mission);
    expect(wire).toEqual({ v: 1, ...mission, createdAt: '2026-11-23T10:11:12.345Z' });
    const back = JSON.parse(JSON.stringify(wire)) as unknown;
    expect(fromWire(back)).toEqual({ ok: true, mission });
  });

  it('should keep a null prompt', () => {
    const wire = toWire({ ...mission, prompt: null });
    expect(fromWire(wire)).toEqual({ ok: true, mission: { ...mission, prompt: null } });
  });

  it.each([
    ['an empty id', { id: '' }, 'id'],
    ['an id over the limit', { id: 'x'.repeat(MISSION_LIMITS.idChars + 1) }, 'id'],
    ['an unknown run kind', { runKind: 'resume' }, 'runKind'],
    ['a negative attempt', { attempt: -1 }, 'attempt'],
    ['a fractional attempt', { attempt: 1.5 }, 'attempt'],
    ['a prompt over the byte limit', { prompt: 'é'.repeat(MISSION_LIMITS.promptBytes / 2 + 1) }, 'prompt'],
    ['a payload that is an array', { payload: [] }, 'payload'],
    ['an invalid creation time', { createdAt: new Date(Number.NaN) }, 'createdAt'],
    ['a creation time that is not a Date', { createdAt: '2026-11-23' }, 'createdAt'],
  ])('should refuse to send a mission with %s, naming the field', (_, change, field) => {
    const bad = { ...mission, ...change } as unknown as Mission;
    expect(() => toWire(bad)).toThrow(
      expect.objectContaining({ code: 'MISSION_QUEUE_PAYLOAD_INVALID', category: 'invalid' }),
    );
    expect(() => toWire(bad)).toThrow(new RegExp(`${field}:`));
  });

  it('should refuse a payload over the byte limit', () => {
    const payload = { blob: 'x'.repeat(MISSION_LIMITS.payloadBytes) };
    expect(() => toWire({ ...mission, payload })).toThrow(/payload: at most/);
  });

  it.each([
    ['null', null],
    ['a string', 'mission-0001'],
    ['another version', { ...toWire(mission), v: 2 }],
    ['an unknown field', { ...toWire(mission), extra: true }],
    ['a missing field', { ...toWire(mission), agent: undefined }],
    ['a date without a time', { ...toWire(mission), createdAt: '2026-11-23' }],
  ])('should reject received data that is %s, saying what is wrong', (_, data) => {
    const result = fromWire(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.length).toBeGreaterThan(0);
  });
});
