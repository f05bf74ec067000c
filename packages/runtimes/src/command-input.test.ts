import { describe, expect, it } from '@jest/globals';

import { claudeRuntime } from './claude.runtime.js';
import { codexRuntime } from './codex.runtime.js';
import { PROMPT_MAX_BYTES } from './command-input.js';
import { opencodeRuntime } from './opencode.runtime.js';
import { type RuntimeAdapter } from './runtime-adapter.js';
import { RuntimeInputInvalidError } from './runtimes.errors.js';

const workspace = { path: '/srv/agents/alpha', kind: 'git-worktree' } as const;
const agents: readonly RuntimeAdapter[] = [claudeRuntime, codexRuntime, opencodeRuntime];

/** What batchCommand throws for `input`, given as the loosely typed body a config or API would give. */
function rejection(adapter: RuntimeAdapter, input: Record<string, unknown>): RuntimeInputInvalidError {
  try {
    adapter.batchCommand({ prompt: 'task', workspace, ...input });
  } catch (error) {
    expect(error).toBeInstanceOf(RuntimeInputInvalidError);
    return error as RuntimeInputInvalidError;
  }
  throw new Error('batchCommand accepted the input');
}

describe.each(agents.map((adapter) => [adapter.name, adapter] as const))(
  '%s input checks',
  (name, adapter) => {
    it.each<[string, Record<string, unknown>, string, string]>([
      [
        'an empty prompt',
        { prompt: '' },
        'RUNTIME_PROMPT_INVALID',
        'the prompt is empty; give the agent a task',
      ],
      ['a blank prompt', { prompt: ' \n\t' }, 'RUNTIME_PROMPT_INVALID', 'the prompt is empty'],
      ['a prompt that is not text', { prompt: 42 }, 'RUNTIME_PROMPT_INVALID', 'the prompt is empty'],
      ['a prompt with NUL', { prompt: 'a\u0000b' }, 'RUNTIME_PROMPT_INVALID', 'contains a NUL character'],
      [
        'a model starting with -',
        { model: '--dangerously-skip-permissions' },
        'RUNTIME_MODEL_INVALID',
        "not starting with '-'",
      ],
      [
        'a model with a space',
        { model: 'gpt 5' },
        'RUNTIME_MODEL_INVALID',
        `set agents.agent_runtimes.${name}.model to a model name`,
      ],
      ['an empty model', { model: '' }, 'RUNTIME_MODEL_INVALID', 'invalid model ""'],
      ['a model that is not text', { model: 5 }, 'RUNTIME_MODEL_INVALID', 'invalid model number 5'],
      ['an overlong model', { model: 'm'.repeat(201) }, 'RUNTIME_MODEL_INVALID', 'at most 200 characters'],
      [
        'a token starting with -',
        { resumeToken: '-rf' },
        'RUNTIME_RESUME_TOKEN_INVALID',
        'the session id the runtime reported',
      ],
      [
        'a token with a space',
        { resumeToken: 'ses 1' },
        'RUNTIME_RESUME_TOKEN_INVALID',
        'start a new session instead',
      ],
      [
        'a token that is a list',
        { resumeToken: ['a'] },
        'RUNTIME_RESUME_TOKEN_INVALID',
        'invalid resume token a list',
      ],
      [
        'an overlong token',
        { resumeToken: 'a'.repeat(257) },
        'RUNTIME_RESUME_TOKEN_INVALID',
        'invalid resume token',
      ],
      [
        'an empty binary',
        { binary: ' ' },
        'RUNTIME_BINARY_INVALID',
        `set agents.agent_runtimes.${name}.command to a program name or path`,
      ],
      [
        'a binary with a newline',
        { binary: 'claude\n--x' },
        'RUNTIME_BINARY_INVALID',
        'invalid binary "claude\\n--x"',
      ],
      [
        'a binary that is not text',
        { binary: {} },
        'RUNTIME_BINARY_INVALID',
        'invalid binary a value of type object',
      ],
      [
        'args that are not a list',
        { extraArgs: '--verbose' },
        'RUNTIME_ARGS_INVALID',
        `fix agents.agent_runtimes.${name}.args`,
      ],
      [
        'an arg that is not text',
        { extraArgs: ['--x', 3] },
        'RUNTIME_ARGS_INVALID',
        'args[1] must be a string',
      ],
      ['an arg with NUL', { extraArgs: ['a\u0000'] }, 'RUNTIME_ARGS_INVALID', 'without NUL'],
      ['a -- in the args', { extraArgs: ['--'] }, 'RUNTIME_ARGS_INVALID', "args[0] is '--'; remove it"],
      [
        'too many args',
        { extraArgs: Array.from({ length: 257 }, () => '-v') },
        'RUNTIME_ARGS_INVALID',
        'at most 256 strings',
      ],
      [
        'an overlong arg',
        { extraArgs: ['x'.repeat(8_193)] },
        'RUNTIME_ARGS_INVALID',
        'at most 8192 characters',
      ],
      [
        'args too long in total',
        { extraArgs: Array.from({ length: 9 }, () => 'x'.repeat(8_000)) },
        'RUNTIME_ARGS_INVALID',
        'over the 65536-character limit',
      ],
      [
        'no workspace',
        { workspace: undefined },
        'RUNTIME_WORKSPACE_INVALID',
        'the workspace must have an absolute path',
      ],
      [
        'a relative workspace',
        { workspace: { path: 'agents/a', kind: 'directory' } },
        'RUNTIME_WORKSPACE_INVALID',
        'absolute path',
      ],
      [
        'an unknown workspace kind',
        { workspace: { path: '/a', kind: 'container' } },
        'RUNTIME_WORKSPACE_INVALID',
        "'git-worktree' or 'directory'",
      ],
    ])('should refuse %s', (_label, input, code, message) => {
      const error = rejection(adapter, input);

      expect(error).toMatchObject({
        code,
        category: 'invalid',
        name: 'RuntimeInputInvalidError',
        details: { runtime: name },
      });
      expect(error.message.startsWith(`${name}: `)).toBe(true);
      expect(error.message).toContain(message);
    });

    it('should take a prompt of exactly the byte limit and refuse one byte more, counting UTF-8 bytes', () => {
      const atLimit = `${'é'.repeat((PROMPT_MAX_BYTES - 2) / 2)}ab`;
      expect(Buffer.byteLength(atLimit)).toBe(PROMPT_MAX_BYTES);

      expect(adapter.batchCommand({ prompt: atLimit, workspace }).args.at(-1)).toBe(atLimit);
      const error = rejection(adapter, { prompt: `${atLimit}é` });
      expect(error.code).toBe('RUNTIME_PROMPT_INVALID');
      expect(error.message).toContain(
        `the prompt is ${PROMPT_MAX_BYTES + 2} bytes, over the ${PROMPT_MAX_BYTES}-byte limit`,
      );
      expect(error.message).toContain('put long material in a file in the workspace');
    });

    it('should accept ids in the shapes the CLIs report and models with provider prefixes', () => {
      for (const resumeToken of [
        '4fc0d7e2-9003-47d2-94d7-005dc1f37768',
        'ses_dc4142c4dffeDnPY2ezeO7evqS',
        'thread:1.2',
      ]) {
        expect(adapter.batchCommand({ prompt: 'x', workspace, resumeToken }).args).toContain(resumeToken);
      }
      expect(
        adapter.batchCommand({ prompt: 'x', workspace, model: 'openrouter/anthropic/claude-4.5:beta' }).args,
      ).toContain('openrouter/anthropic/claude-4.5:beta');
    });

    it('should treat null like absent for model, resume token and binary', () => {
      expect(
        adapter.batchCommand({ prompt: 'x', workspace, model: null, resumeToken: null, binary: null }),
      ).toEqual(adapter.batchCommand({ prompt: 'x', workspace }));
    });

    it('should return copies, so changing the input later cannot change the command line', () => {
      const extraArgs = ['--verbose'];
      const line = adapter.batchCommand({ prompt: 'x', workspace, extraArgs });
      extraArgs.push('--evil');

      expect(line.args).not.toContain('--evil');
    });
  },
);
