import { describe, expect, it } from '@jest/globals';

import { loadCapture, rawField } from '../test/fixtures/fixtures.js';

import { opencodeRuntime } from './opencode.runtime.js';

const workspace = { path: '/srv/agents/alpha', kind: 'git-worktree' } as const;

describe('opencodeRuntime.batchCommand', () => {
  it('should build run --format json with the prompt after --', () => {
    expect(opencodeRuntime.batchCommand({ prompt: 'fix the bug', workspace })).toEqual({
      command: 'opencode',
      args: ['run', '--format', 'json', '--', 'fix the bug'],
      env: {},
    });
  });

  it('should pass a provider/model and resume with --session', () => {
    const line = opencodeRuntime.batchCommand({
      prompt: 'go on',
      workspace,
      model: 'anthropic/claude-sonnet-4-5',
      resumeToken: 'ses_dc4142c4dffeDnPY2ezeO7evqS',
      extraArgs: ['--agent', 'build'],
    });

    expect(line.args).toEqual([
      'run',
      '--format',
      'json',
      '--model',
      'anthropic/claude-sonnet-4-5',
      '--session',
      'ses_dc4142c4dffeDnPY2ezeO7evqS',
      '--agent',
      'build',
      '--',
      'go on',
    ]);
  });
});

describe('opencodeRuntime prompt checks', () => {
  it.each(['42', '-1', '3.14', '.5', '1e3', '0x1F'])(
    'should refuse the prompt %j, which opencode would parse as a number and crash on',
    (prompt) => {
      expect(() => opencodeRuntime.batchCommand({ prompt, workspace })).toThrow(
        expect.objectContaining({
          code: 'RUNTIME_PROMPT_INVALID',
          message: expect.stringContaining('just a number'),
        }),
      );
    },
  );

  it.each(['42 files', 'issue 42', ' 42', '1.2.3', '0x', 'e3', '0123', '1e400'])(
    'should accept the prompt %j',
    (prompt) => {
      expect(opencodeRuntime.batchCommand({ prompt, workspace }).args.at(-1)).toBe(prompt);
    },
  );
});

describe('opencodeRuntime output parsing (captured from opencode 1.18.33)', () => {
  it('should read a text turn: the text, the session id and the step tokens', () => {
    const { stdout, exit } = loadCapture('opencode', 'text');

    expect(opencodeRuntime.parseOutput(stdout, exit)).toEqual({
      status: 'succeeded',
      finalText: 'Captured answer.',
      resumeToken: rawField(stdout, 'sessionID'),
      usage: { inputTokens: 100, outputTokens: 30, cacheReadTokens: 20 },
    });
  });

  it('should report the tool live, sum the tokens of both steps, and answer with the last message only', () => {
    const { stdout, exit, lines } = loadCapture('opencode', 'tool');
    const parser = opencodeRuntime.createOutputParser();

    const events = lines.flatMap((line) => parser.push(line));

    expect(events).toEqual([
      { kind: 'session', id: rawField(stdout, 'sessionID') },
      { kind: 'tool', name: 'write', phase: 'completed' },
      { kind: 'usage', usage: { inputTokens: 100, outputTokens: 10 } },
      { kind: 'text', text: 'Wrote hello.txt.' },
      { kind: 'usage', usage: { inputTokens: 200, outputTokens: 40, cacheReadTokens: 20 } },
    ]);
    expect(parser.finish(exit)).toEqual(opencodeRuntime.parseOutput(stdout, exit));
    expect(parser.finish(exit).finalText).toBe('Wrote hello.txt.');
  });

  it('should fail an error event with the API message', () => {
    const { stdout, exit } = loadCapture('opencode', 'error');

    expect(opencodeRuntime.parseOutput(stdout, exit)).toEqual({
      status: 'failed',
      finalText: null,
      resumeToken: rawField(stdout, 'sessionID'),
      usage: null,
      error: 'opencode failed: Captured bad request. (it exited 1)',
    });
  });

  it('should keep the session on resume, with this run’s usage only (usageScope run)', () => {
    const first = loadCapture('opencode', 'resume-first');
    const second = loadCapture('opencode', 'resume-second');

    const after = opencodeRuntime.parseOutput(second.stdout, second.exit);

    expect(after.resumeToken).toBe(opencodeRuntime.parseOutput(first.stdout, first.exit).resumeToken);
    expect(after).toMatchObject({
      finalText: 'Second answer.',
      usage: { inputTokens: 100, outputTokens: 30, cacheReadTokens: 20 },
    });
    expect(opencodeRuntime.usageScope).toBe('run');
  });

  it('should fail an unknown session with its stderr line, colour codes removed', () => {
    const { stdout, exit } = loadCapture('opencode', 'unknown-session');

    expect(exit.stderrTail).toContain('\u001b[91m');
    expect(opencodeRuntime.parseOutput(stdout, exit)).toEqual({
      status: 'failed',
      finalText: null,
      resumeToken: null,
      usage: null,
      error: 'opencode exited 1 without a result: Error: Session not found',
    });
  });

  it('should fail output cut before its step finished, keeping the text it had', () => {
    const { stdout, lines } = loadCapture('opencode', 'text');
    const cut = `${lines.slice(0, -1).join('\n')}\n${lines.at(-1)!.slice(0, 120)}`;

    expect(opencodeRuntime.parseOutput(cut, { exitCode: null, signal: 'SIGTERM' })).toEqual({
      status: 'failed',
      finalText: 'Captured answer.',
      resumeToken: rawField(stdout, 'sessionID'),
      usage: null,
      error:
        'opencode was killed by SIGTERM without a result (1 output line(s) were not JSON): nothing on stderr; check the run log',
    });
  });

  it('should join the text parts of the last message and report a cost when opencode knows one', () => {
    const event = (type: string, part: Record<string, unknown>): string =>
      JSON.stringify({ type, timestamp: 1, sessionID: 'ses_1', part: { sessionID: 'ses_1', ...part } });
    const stdout = [
      event('text', { messageID: 'm1', text: 'thinking out loud' }),
      event('text', { messageID: 'm2', text: 'Part one.' }),
      event('text', { messageID: 'm2', text: 'Part two.' }),
      event('tool_use', { tool: 'bash', state: { status: 'error' } }),
      event('step_finish', {
        reason: 'stop',
        tokens: { input: 10, output: 2, cache: { read: 0, write: 5 } },
        cost: 0.25,
      }),
    ].join('\n');

    expect(opencodeRuntime.parseOutput(stdout, { exitCode: 0, signal: null })).toEqual({
      status: 'succeeded',
      finalText: 'Part one.\nPart two.',
      resumeToken: 'ses_1',
      usage: { inputTokens: 15, outputTokens: 2, costUsd: 0.25 },
    });
  });
});
