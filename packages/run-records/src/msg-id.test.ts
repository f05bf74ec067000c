import { describe, expect, it } from '@jest/globals';

import { formatMsgId, nextMsgId, parseMsgId } from './msg-id.js';

const T = Date.UTC(2026, 10, 23, 22, 31, 50, 246);

describe(nextMsgId.name, () => {
  it('should format UTC time to the millisecond, a sequence and the random part', () => {
    expect(nextMsgId(null, T, 'a1b2c3')).toBe('MSG-20261123-223150-246-0000-a1b2c3');
  });

  it('should start a new sequence when time has moved on', () => {
    expect(nextMsgId('MSG-20261123-223150-245-0007-ffffff', T, '000000')).toBe(
      'MSG-20261123-223150-246-0000-000000',
    );
  });

  it('should count up within the same millisecond', () => {
    expect(nextMsgId('MSG-20261123-223150-246-0007-ffffff', T, '000000')).toBe(
      'MSG-20261123-223150-246-0008-000000',
    );
  });

  it('should stay after the last id when the clock steps back', () => {
    const last = 'MSG-20261123-223151-000-0000-ffffff';

    expect(nextMsgId(last, T, '000000') > last).toBe(true);
  });

  it('should carry into the next millisecond when the sequence is full', () => {
    expect(nextMsgId('MSG-20261123-223150-246-9999-ffffff', T, '000000')).toBe(
      'MSG-20261123-223150-247-0000-000000',
    );
  });

  it('should ignore a last id of another format', () => {
    expect(nextMsgId('MSG-20260220-155454-390970000-PID30154-0001', T, 'abcdef')).toBe(
      'MSG-20261123-223150-246-0000-abcdef',
    );
  });

  it('should give ids that sort as strings in the order they were made', () => {
    const ids: string[] = [];
    let last: string | null = null;
    for (const now of [T, T, T + 1, T - 5_000, T + 1, T + 2]) {
      last = nextMsgId(last, now, Math.random().toString(16).slice(2, 8).padEnd(6, '0'));
      ids.push(last);
    }

    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe(parseMsgId.name, () => {
  it('should read back what formatMsgId wrote', () => {
    expect(parseMsgId(formatMsgId({ ms: T, seq: 42 }, '0a0b0c'))).toEqual({ ms: T, seq: 42 });
  });

  it.each(['', 'MSG-x', 'MSG-20261123-223150-246-0000-ABCDEF', 'MSG-20261123-223150-246-0000-a1b2c3 '])(
    'should refuse %j',
    (id) => {
      expect(parseMsgId(id)).toBeNull();
    },
  );
});
