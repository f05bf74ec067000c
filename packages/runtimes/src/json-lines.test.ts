import { LIMITS } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import {
  bounded,
  decideOutcome,
  lastNonEmptyLine,
  MAX_LINE_CHARS,
  parseJsonLine,
  usageOf,
} from './json-lines.js';

describe(parseJsonLine.name, () => {
  it('should parse a JSON object line, with surrounding spaces', () => {
    expect(parseJsonLine('  {"type":"result","n":1}\r')).toEqual({ type: 'result', n: 1 });
  });

  it.each(['', '   ', 'Warning: something', '[1,2]', '"text"', '42', '{"cut": ', '{broken}', 'null'])(
    'should give null for %j',
    (line) => {
      expect(parseJsonLine(line)).toBeNull();
    },
  );

  it('should not parse a line over the size limit', () => {
    const huge = `{"text":"${'x'.repeat(MAX_LINE_CHARS)}"}`;

    expect(parseJsonLine(huge)).toBeNull();
  });
});

describe(lastNonEmptyLine.name, () => {
  it('should give the last line with text, trimmed', () => {
    expect(lastNonEmptyLine('first\n  second problem  \n\n\r\n')).toBe('second problem');
  });

  it('should remove colour and cursor escape codes', () => {
    expect(lastNonEmptyLine('\u001b[91m\u001b[1mError: \u001b[0mSession not found\n')).toBe(
      'Error: Session not found',
    );
    expect(lastNonEmptyLine('\u001b]0;title\u0007plain\n')).toBe('plain');
  });

  it('should give null when there is nothing', () => {
    expect(lastNonEmptyLine(undefined)).toBeNull();
    expect(lastNonEmptyLine('\n \n')).toBeNull();
    expect(lastNonEmptyLine('\u001b[0m\n')).toBeNull();
  });

  it('should bound a long line', () => {
    expect(lastNonEmptyLine('y'.repeat(1_000))).toHaveLength(300);
  });
});

describe(bounded.name, () => {
  it('should keep short text and mark a cut', () => {
    expect(bounded('abc', 3)).toBe('abc');
    expect(bounded('abcdef', 4)).toBe('abc…');
  });
});

describe(usageOf.name, () => {
  it('should leave out zero cache reads and an absent cost, and keep a zero cost', () => {
    expect(usageOf(1, 2, 0)).toEqual({ inputTokens: 1, outputTokens: 2 });
    expect(usageOf(1, 2, 3, 0)).toEqual({ inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, costUsd: 0 });
  });
});

describe(decideOutcome.name, () => {
  const parts = { runtime: 'claude', finalText: 'answer', resumeToken: 's', usage: null, skippedLines: 0 };

  it('should succeed only with a success verdict and a clean exit', () => {
    expect(
      decideOutcome({ ...parts, verdict: { kind: 'success' } }, { exitCode: 0, signal: null }).status,
    ).toBe('succeeded');
    expect(
      decideOutcome({ ...parts, verdict: { kind: 'success' } }, { exitCode: 2, signal: null }).status,
    ).toBe('failed');
    expect(decideOutcome({ ...parts, verdict: { kind: 'none' } }, { exitCode: 0, signal: null }).status).toBe(
      'failed',
    );
  });

  it('should describe a process that ended without an exit code', () => {
    expect(
      decideOutcome({ ...parts, verdict: { kind: 'none' } }, { exitCode: null, signal: null }).error,
    ).toBe('claude ended without an exit code without a result: nothing on stderr; check the run log');
  });

  it('should bound the failure reason to the domain limit', () => {
    const outcome = decideOutcome(
      { ...parts, verdict: { kind: 'error', message: 'e'.repeat(10_000) } },
      { exitCode: 1, signal: null },
    );

    expect(outcome.error).toHaveLength(LIMITS.failureReasonChars);
    expect(outcome.error?.endsWith('…')).toBe(true);
  });

  it('should bound the final text to 1 MiB', () => {
    const outcome = decideOutcome(
      { ...parts, finalText: 'z'.repeat(2 * 1024 * 1024), verdict: { kind: 'success' } },
      { exitCode: 0, signal: null },
    );

    expect(outcome.finalText).toHaveLength(1024 * 1024);
  });
});
