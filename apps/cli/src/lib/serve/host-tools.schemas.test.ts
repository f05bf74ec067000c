import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';

import {
  killInputSchema,
  listInputSchema,
  logsInputSchema,
  spawnInputSchema,
  watchEventsInputSchema,
} from './host-tools.schemas.js';

function problems(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('spawnInputSchema', () => {
  it('should take a name and a prompt, or a command for the command runtime', () => {
    expect(problems(spawnInputSchema, { name: 'fix-login', prompt: 'Fix it' })).toEqual([]);
    expect(problems(spawnInputSchema, { name: 'lint', command: ['make', 'lint'] })).toEqual([]);
    expect(
      problems(spawnInputSchema, {
        name: 'a_1',
        runtime: 'codex',
        prompt: 'x',
        base_branch: 'release/2.0',
        model: 'gpt-5',
        labels: { team: 'core' },
      }),
    ).toEqual([]);
  });

  it('should name the fix for each bad field', () => {
    expect(problems(spawnInputSchema, { name: '-x', prompt: 'p' })).toEqual([
      "invalid agent name: use 1-64 letters, digits, '_' or '-', starting with a letter or digit (e.g. fix-login)",
    ]);
    expect(problems(spawnInputSchema, { name: 'a', prompt: 'p'.repeat(256 * 1024 + 1) })).toEqual([
      'prompt is over 262144 characters: write the details into a file in the repository and point the prompt at it',
    ]);
    expect(problems(spawnInputSchema, { name: 'a', runtime: 'command' })).toEqual([
      'the command runtime needs the program to run in "command", e.g. ["sh", "-c", "make test"]',
    ]);
    expect(problems(spawnInputSchema, { name: 'a', runtime: 'opencode', command: ['x'] })).toEqual([
      '"command" is only for the command runtime: leave it out for opencode, or set runtime to "command"',
    ]);
    expect(
      problems(spawnInputSchema, { name: 'a', command: Array.from({ length: 129 }, () => 'x') }),
    ).toEqual(['command: at most 128 arguments']);
    expect(problems(spawnInputSchema, { name: 'a', prompt: 'p', base_branch: 'has space' })).toEqual([
      "base_branch: a git branch name (letters, digits, '.', '_', '/', '-')",
    ]);
    const labels = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
    expect(problems(spawnInputSchema, { name: 'a', prompt: 'p', labels })).toEqual([
      'labels: at most 32 labels',
    ]);
    expect(problems(spawnInputSchema, { name: 'a', prompt: 'p', runtime: 'gemini' })).toHaveLength(1);
    expect(problems(spawnInputSchema, { name: 'a', prompt: 'p', queued: true })).toEqual([
      'Unrecognized key: "queued"',
    ]);
  });
});

describe('the other inputs', () => {
  it('should fill in the defaults', () => {
    expect(listInputSchema.parse({})).toEqual({ limit: 100 });
    expect(logsInputSchema.parse({ name: 'a' })).toEqual({ name: 'a', lines: 100, stream: 'stdout' });
    expect(killInputSchema.parse({ name: 'a' })).toEqual({ name: 'a', keep_files: false });
    expect(watchEventsInputSchema.parse({})).toEqual({ since: 0, timeout_s: 30, max_events: 50 });
  });

  it('should bound what a host may ask for', () => {
    expect(problems(listInputSchema, { limit: 501 })).toHaveLength(1);
    expect(problems(listInputSchema, { status: ['running', 'sleeping'] })).toHaveLength(1);
    expect(problems(logsInputSchema, { name: 'a', lines: 2_001 })).toEqual([
      'lines: at most 2000; read the run directory for more',
    ]);
    expect(problems(watchEventsInputSchema, { timeout_s: 61 })).toEqual([
      'timeout_s: at most 60; call again with next_since to keep waiting',
    ]);
    expect(problems(watchEventsInputSchema, { since: -1 })).toHaveLength(1);
    expect(problems(watchEventsInputSchema, { max_events: 201 })).toHaveLength(1);
    expect(problems(watchEventsInputSchema, { agent: 'no spaces' })).toHaveLength(1);
  });
});
