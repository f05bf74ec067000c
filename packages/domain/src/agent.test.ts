import { describe, expect, it } from '@jest/globals';

import {
  AGENT_NAME_PATTERN,
  assertAgentName,
  boundHead,
  boundTail,
  featureBranch,
  isValidAgentName,
  LIMITS,
  validateLabels,
} from './agent.js';
import { AgentNameInvalidError, ValidationError } from './errors.js';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function labelsOf(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`key-${i}`, `value-${i}`]));
}

describe(isValidAgentName.name, () => {
  it.each([
    ['a single letter', 'a'],
    ['a single digit', '7'],
    ['64 characters', `a${'b'.repeat(63)}`],
    ['a leading digit', '1st-try'],
    ['inner and trailing dashes and underscores', 'fix_the-bug-'],
    ['upper case', 'FixBug'],
  ])('should accept %s', (_, name) => {
    expect(isValidAgentName(name)).toBe(true);
    expect(assertAgentName(name)).toBe(name);
  });

  it.each([
    ['the empty name', ''],
    ['65 characters', `a${'b'.repeat(64)}`],
    ['a leading dash', '-agent'],
    ['a leading underscore', '_agent'],
    ['a space', 'my agent'],
    ['a slash', 'team/agent'],
    ['a parent directory', '..'],
    ['dots', 'a..b'],
    ['a single dot', 'v1.2'],
    ['accented letters', 'café'],
    ['non-latin letters', 'агент'],
    ['an emoji', 'bot🤖'],
    ['a trailing newline', 'agent\n'],
    ['a leading newline', '\nagent'],
    ['a tab', 'a\tb'],
    ['a colon', 'a:b'],
  ])('should reject %s', (_, name) => {
    expect(isValidAgentName(name)).toBe(false);
    expect(() => assertAgentName(name)).toThrow(AgentNameInvalidError);
  });

  it('should agree with AGENT_NAME_PATTERN', () => {
    expect(AGENT_NAME_PATTERN.test('a'.repeat(64))).toBe(true);
    expect(AGENT_NAME_PATTERN.test('a'.repeat(65))).toBe(false);
  });
});

describe(assertAgentName.name, () => {
  it('should name the rule in the error message', () => {
    const error = thrownBy(() => assertAgentName('my agent'));

    expect(error).toBeInstanceOf(AgentNameInvalidError);
    expect(error).toMatchObject({
      code: 'AGENT_NAME_INVALID',
      category: 'invalid',
      details: { name: 'my agent' },
    });
    expect((error as Error).message).toBe(
      `invalid agent name "my agent": use 1-64 letters, digits, '_' or '-', starting with a letter or digit`,
    );
  });

  it('should shorten a very long name in the message and details', () => {
    const name = 'x'.repeat(500);
    const error = thrownBy(() => assertAgentName(name)) as AgentNameInvalidError;

    expect(error.message).toContain(`"${'x'.repeat(80)}…"`);
    expect(error.message.length).toBeLessThan(200);
    expect(error.details).toEqual({ name: 'x'.repeat(80) });
  });

  it('should quote control characters instead of printing them', () => {
    const error = thrownBy(() => assertAgentName('a\nb')) as AgentNameInvalidError;

    expect(error.message).toContain('"a\\nb"');
  });
});

describe(validateLabels.name, () => {
  it('should accept up to the label limit and return a copy', () => {
    const labels = labelsOf(LIMITS.labelsPerAgent);
    const validated = validateLabels(labels);

    expect(validated).toEqual(labels);
    expect(validated).not.toBe(labels);
  });

  it('should accept no labels', () => {
    expect(validateLabels({})).toEqual({});
  });

  it('should reject one label too many', () => {
    const error = thrownBy(() => validateLabels(labelsOf(LIMITS.labelsPerAgent + 1)));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'AGENT_LABELS_INVALID', category: 'invalid' });
    expect((error as Error).message).toMatch(/too many labels \(33\)/);
  });

  it.each([
    ['a single character', 'a'],
    ['dots, dashes and underscores', 'app.team_name-x'],
    ['63 characters', `k${'e'.repeat(62)}`],
    ['a leading digit', '1key'],
  ])('should accept a key with %s', (_, key) => {
    expect(validateLabels({ [key]: 'v' })).toEqual({ [key]: 'v' });
  });

  it.each([
    ['the empty key', ''],
    ['64 characters', `k${'e'.repeat(63)}`],
    ['a leading dash', '-key'],
    ['a leading dot', '.key'],
    ['a leading underscore', '_key'],
    ['a slash', 'app/key'],
    ['a space', 'my key'],
    ['a non-ASCII letter', 'clé'],
    ['a trailing newline', 'key\n'],
  ])('should reject a key with %s', (_, key) => {
    const error = thrownBy(() => validateLabels({ [key]: 'v' }));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'AGENT_LABELS_INVALID' });
    expect((error as Error).message).toMatch(/invalid label key/);
  });

  it('should accept a value of exactly the limit and an empty value', () => {
    const labels = { long: 'v'.repeat(LIMITS.labelValueChars), empty: '' };

    expect(validateLabels(labels)).toEqual(labels);
  });

  it('should reject a value one character over the limit', () => {
    const error = thrownBy(() => validateLabels({ long: 'v'.repeat(LIMITS.labelValueChars + 1) }));

    expect(error).toMatchObject({ code: 'AGENT_LABELS_INVALID' });
    expect((error as Error).message).toBe('label "long" is longer than 256 characters');
  });
});

describe(boundTail.name, () => {
  it('should keep a text that fits', () => {
    expect(boundTail('hello', 5)).toBe('hello');
    expect(boundTail('', 5)).toBe('');
  });

  it('should keep the last characters of a text that does not fit', () => {
    expect(boundTail('0123456789', 4)).toBe('6789');
  });

  it('should default to LIMITS.lastOutputChars', () => {
    const text = `${'a'.repeat(10)}${'b'.repeat(LIMITS.lastOutputChars)}`;

    expect(boundTail(text)).toBe('b'.repeat(LIMITS.lastOutputChars));
    expect(boundTail('short')).toBe('short');
  });
});

describe(boundHead.name, () => {
  it('should keep a text that fits', () => {
    expect(boundHead('hello', 5)).toBe('hello');
    expect(boundHead('', 5)).toBe('');
  });

  it('should cut a text that does not fit to exactly max characters, marking the cut', () => {
    const bounded = boundHead('0123456789', 4);

    expect(bounded).toBe('012…');
    expect(bounded).toHaveLength(4);
  });

  it('should cut one character over the limit', () => {
    expect(boundHead('abcdef', 5)).toBe('abcd…');
  });
});

describe(featureBranch.name, () => {
  it('should put the agent on a feature branch', () => {
    expect(featureBranch('fix-login')).toBe('feature/fix-login');
  });

  it('should refuse a name that could escape the branch namespace', () => {
    expect(() => featureBranch('../main')).toThrow(AgentNameInvalidError);
    expect(() => featureBranch('')).toThrow(AgentNameInvalidError);
  });
});
