import { describe, expect, it } from '@jest/globals';

import { type ScriptedTurn, chunkText, toolNameMatches, validateTurn } from './turn.js';

function rejection(turn: unknown, index = 3): unknown {
  try {
    validateTurn(turn as ScriptedTurn, index);
  } catch (error) {
    return error;
  }
  return null;
}

describe(validateTurn.name, () => {
  it.each<ScriptedTurn>([
    { kind: 'text', text: '' },
    {
      kind: 'text',
      text: 'hi',
      chunkSize: 1,
      usage: { inputTokens: 0, outputTokens: 5, cacheReadTokens: 2 },
    },
    { kind: 'tool', tool: 'Write', arguments: { file_path: '/x', content: 'y' }, text: 'writing' },
    { kind: 'tool', tool: /echo$/ },
    { kind: 'error', status: 400 },
    { kind: 'error', status: 599, message: 'boom', errorType: 'overloaded_error', delayMs: 0, repeat: 100 },
    { kind: 'text', text: 'slow', delayMs: 120_000, chunkDelayMs: 5 },
  ])('should accept a well-formed turn (%j)', (turn) => {
    expect(() => {
      validateTurn(turn, 0);
    }).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    ['a non-object', 'text', 'must be an object'],
    ['null', null, 'must be an object'],
    [
      'an unknown kind',
      { kind: 'shout', text: 'x' },
      'unknown kind in {"kind":"shout","text":"x"}; use \'text\', \'tool\' or \'error\'',
    ],
    ['text that is not a string', { kind: 'text', text: 42 }, 'text must be a string'],
    ['text over the limit', { kind: 'text', text: 'x'.repeat(1_000_001) }, 'at most 1000000 characters'],
    [
      'a zero chunk size',
      { kind: 'text', text: 'x', chunkSize: 0 },
      'chunkSize must be a positive integer, got 0',
    ],
    [
      'a fractional chunk size',
      { kind: 'text', text: 'x', chunkSize: 1.5 },
      'chunkSize must be a positive integer',
    ],
    [
      'negative usage',
      { kind: 'text', text: 'x', usage: { inputTokens: -1, outputTokens: 0 } },
      'usage.inputTokens must be a non-negative integer, got -1',
    ],
    [
      'fractional usage',
      { kind: 'tool', tool: 'x', usage: { inputTokens: 1, outputTokens: 0.5 } },
      'usage.outputTokens',
    ],
    ['an empty tool name', { kind: 'tool', tool: '' }, 'tool must be a non-empty string or a RegExp'],
    ['a missing tool name', { kind: 'tool' }, 'tool must be a non-empty string or a RegExp'],
    ['array arguments', { kind: 'tool', tool: 'x', arguments: ['a'] }, 'arguments must be an object'],
    [
      'arguments that cannot be JSON',
      { kind: 'tool', tool: 'x', arguments: { n: 1n } },
      'arguments must be JSON-serialisable',
    ],
    ['tool text that is not a string', { kind: 'tool', tool: 'x', text: 1 }, 'text must be a string'],
    [
      'a 2xx status',
      { kind: 'error', status: 200 },
      'status must be an HTTP error status (400-599), got 200',
    ],
    ['a status over 599', { kind: 'error', status: 600 }, 'got 600'],
    ['a fractional status', { kind: 'error', status: 500.5 }, 'got 500.5'],
    [
      'a message that is not a string',
      { kind: 'error', status: 500, message: {} },
      'message must be a string',
    ],
    [
      'a zero repeat',
      { kind: 'error', status: 400, repeat: 0 },
      'repeat must be an integer between 1 and 100, got 0',
    ],
    ['a repeat over 100', { kind: 'error', status: 400, repeat: 101 }, 'got 101'],
    ['a fractional repeat', { kind: 'error', status: 400, repeat: 1.5 }, 'got 1.5'],
    [
      'a negative delay',
      { kind: 'text', text: 'x', delayMs: -1 },
      'delayMs must be between 0 and 120000 ms, got -1',
    ],
    ['an endless delay', { kind: 'error', status: 500, delayMs: Infinity }, 'delayMs must be between'],
    [
      'a too long chunk delay',
      { kind: 'text', text: 'x', chunkDelayMs: 120_001 },
      'chunkDelayMs must be between',
    ],
  ])('should reject %s, naming the turn and the fix', (_label, turn, message) => {
    const error = rejection(turn);

    expect(error).toMatchObject({
      name: 'ScriptedModelError',
      code: 'SCRIPTED_TURN_INVALID',
      category: 'invalid',
    });
    expect((error as Error).message).toContain('scripted turn 3: ');
    expect((error as Error).message).toContain(message);
  });
});

describe(toolNameMatches.name, () => {
  it.each<[string | RegExp, string, boolean]>([
    ['Write', 'Write', true],
    ['write', 'Write', false],
    ['echo', 'mcp__x__echo', true],
    ['echo', 'mcp__x.echo', true],
    ['echo', 'x_echo', true],
    ['echo', 'tools/echo', true],
    ['write', 'todowrite', false],
    ['echo', 'echoes', false],
    ['echo', 'mcp__x__echo_twice', false],
    ['exec_command', 'exec_command', true],
    ['command', 'exec_command', true],
    [/^exec_/, 'exec_command', true],
    [/^exec_/, 'x_exec_command', false],
  ])('should match %s against %s: %s', (matcher, name, expected) => {
    expect(toolNameMatches(matcher, name)).toBe(expected);
  });

  it('should test a global RegExp from the start every time', () => {
    const matcher = /echo/g;

    expect(toolNameMatches(matcher, 'x_echo')).toBe(true);
    expect(toolNameMatches(matcher, 'x_echo')).toBe(true);
  });
});

describe(chunkText.name, () => {
  it('should give one empty chunk for empty text, so a stream still carries a delta', () => {
    expect(chunkText('', 16)).toEqual(['']);
  });

  it('should split into pieces of at most the size, keeping the text', () => {
    const chunks = chunkText('abcdefghij', 4);

    expect(chunks).toEqual(['abcd', 'efgh', 'ij']);
    expect(chunks.join('')).toBe('abcdefghij');
  });

  it('should never split a character made of two UTF-16 units', () => {
    const chunks = chunkText('a😀b😀', 1);

    expect(chunks).toEqual(['a', '😀', 'b', '😀']);
  });
});
