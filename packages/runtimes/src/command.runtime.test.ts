import { describe, expect, it } from '@jest/globals';

import { commandRuntime, MODEL_ENV, PROMPT_ENV } from './command.runtime.js';

const workspace = { path: '/srv/agents/alpha', kind: 'directory' } as const;

describe('commandRuntime.batchCommand', () => {
  it('should run the configured program with its args as given, the prompt and model in the env', () => {
    expect(
      commandRuntime.batchCommand({
        prompt: 'summarise the logs',
        workspace,
        model: 'local-llm',
        binary: './scripts/agent.sh',
        extraArgs: ['--mode', 'batch', '--', '-literal'],
      }),
    ).toEqual({
      command: './scripts/agent.sh',
      args: ['--mode', 'batch', '--', '-literal'],
      env: { [PROMPT_ENV]: 'summarise the logs', [MODEL_ENV]: 'local-llm' },
    });
    expect(PROMPT_ENV).toBe('FRACTA_PROMPT');
    expect(MODEL_ENV).toBe('FRACTA_MODEL');
  });

  it('should pass an empty prompt through as an empty FRACTA_PROMPT: the program may need none', () => {
    expect(commandRuntime.batchCommand({ prompt: '', workspace, binary: 'true' }).env).toEqual({
      [PROMPT_ENV]: '',
    });
  });

  it('should leave the model out of the env when none is configured', () => {
    expect(commandRuntime.batchCommand({ prompt: 'x', workspace, binary: 'true' }).env).toEqual({
      [PROMPT_ENV]: 'x',
    });
  });

  it('should name the fracta.yaml key when no program is configured', () => {
    expect(() => commandRuntime.batchCommand({ prompt: 'x', workspace })).toThrow(
      expect.objectContaining({
        code: 'RUNTIME_COMMAND_MISSING',
        message:
          'command: no program to run: set agents.agent_runtimes.command.command (and args) in fracta.yaml',
      }),
    );
  });

  it('should refuse to resume, since a program has no session', () => {
    expect(() =>
      commandRuntime.batchCommand({ prompt: 'x', workspace, binary: 'true', resumeToken: 'ses_1' }),
    ).toThrow(expect.objectContaining({ code: 'RUNTIME_RESUME_UNSUPPORTED' }));
  });

  it('should validate prompt, model, binary and workspace like the agent runtimes', () => {
    const attempt = (input: Record<string, unknown>): unknown => {
      try {
        commandRuntime.batchCommand({
          prompt: 'x',
          workspace,
          binary: 'true',
          ...input,
        });
      } catch (error) {
        return (error as { code: string }).code;
      }
      return 'accepted';
    };

    expect(attempt({ prompt: ' \n' })).toBe('RUNTIME_PROMPT_INVALID');
    expect(attempt({ prompt: 'a\u0000' })).toBe('RUNTIME_PROMPT_INVALID');
    expect(attempt({ model: '-x' })).toBe('RUNTIME_MODEL_INVALID');
    expect(attempt({ binary: '' })).toBe('RUNTIME_BINARY_INVALID');
    expect(attempt({ workspace: { path: 'rel', kind: 'directory' } })).toBe('RUNTIME_WORKSPACE_INVALID');
    expect(attempt({ extraArgs: ['a\u0000'] })).toBe('RUNTIME_ARGS_INVALID');
  });
});

describe('commandRuntime output parsing', () => {
  it('should take the tail of stdout as the final text and succeed on exit 0', () => {
    const parser = commandRuntime.createOutputParser();

    expect(parser.push('step 1\r')).toEqual([{ kind: 'text', text: 'step 1' }]);
    expect(parser.push('   ')).toEqual([]);
    expect(parser.push('done')).toEqual([{ kind: 'text', text: 'done' }]);
    expect(parser.finish({ exitCode: 0, signal: null })).toEqual({
      status: 'succeeded',
      finalText: 'step 1\n   \ndone',
      resumeToken: null,
      usage: null,
    });
  });

  it('should fail a non-zero exit, quoting the last stderr line', () => {
    expect(
      commandRuntime.parseOutput('partial\n', {
        exitCode: 3,
        signal: null,
        stderrTail: 'oops: no such file\n',
      }),
    ).toEqual({
      status: 'failed',
      finalText: 'partial',
      resumeToken: null,
      usage: null,
      error: 'command exited 3 after reporting a result: oops: no such file',
    });
  });

  it('should give no final text for empty output, and fail a killed program', () => {
    expect(commandRuntime.parseOutput('', { exitCode: null, signal: 'SIGKILL' })).toMatchObject({
      status: 'failed',
      finalText: null,
      error: 'command was killed by SIGKILL after reporting a result',
    });
  });

  it('should keep only the last 16 KiB of a long output', () => {
    const outcome = commandRuntime.parseOutput(`${'a'.repeat(20_000)}\nend`, { exitCode: 0, signal: null });

    expect(outcome.finalText?.length).toBe(16 * 1024);
    expect(outcome.finalText?.endsWith('\nend')).toBe(true);
  });
});
