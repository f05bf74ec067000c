import { describe, expect, it } from '@jest/globals';

import { checkEventDraft, checkLimit, decodeCursor, encodeCursor } from './validation.js';

const draft = {
  ts: new Date(0),
  component: 'c',
  category: 'k',
  resource: 'r',
  action: 'a',
  outcome: 'success' as const,
  severity: 'info' as const,
  agent: null,
  run: null,
  attrs: {},
};

describe('page cursors', () => {
  it('should round-trip sequence numbers and treat no cursor as the start', () => {
    for (const seq of [1, 35, 36, 1_000_000, Number.MAX_SAFE_INTEGER])
      expect(decodeCursor(encodeCursor(seq))).toBe(seq);
    expect(decodeCursor(undefined)).toBe(0);
    expect(decodeCursor(null)).toBe(0);
    expect(decodeCursor('')).toBe(0);
  });

  it('should reject anything it did not produce', () => {
    for (const bad of ['1', 'a', 'A1', 'a-1', "a1' OR 1=1", `a${'z'.repeat(13)}`]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'PAGE_CURSOR_INVALID' }));
    }
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

describe(checkEventDraft.name, () => {
  it('should accept a minimal event', () => {
    expect(() => {
      checkEventDraft(draft);
    }).not.toThrow();
  });

  it('should reject unknown outcomes and severities and non-string attrs', () => {
    expect(() => {
      checkEventDraft({ ...draft, outcome: 'maybe' as never });
    }).toThrow(/outcome must be one of/);
    expect(() => {
      checkEventDraft({ ...draft, severity: 'fatal' as never });
    }).toThrow(/severity must be one of/);
    expect(() => {
      checkEventDraft({ ...draft, attrs: { n: 1 as never } });
    }).toThrow(/attr "n" must be a string/);
  });
});
