import { describe, expect, it } from '@jest/globals';

import { loadCapture, rawField } from '../test/fixtures/fixtures.js';

import { codexRuntime } from './codex.runtime.js';

const worktree = { path: '/srv/agents/alpha', kind: 'git-worktree' } as const;
const directory = { path: '/srv/agents/beta', kind: 'directory' } as const;

describe('codexRuntime.batchCommand', () => {
  it('should build exec --json with the prompt after --', () => {
    expect(codexRuntime.batchCommand({ prompt: 'fix the bug', workspace: worktree })).toEqual({
      command: 'codex',
      args: ['exec', '--json', '--', 'fix the bug'],
      env: {},
    });
  });

  it('should resume with exec resume, the thread id and the prompt both after --', () => {
    const line = codexRuntime.batchCommand({
      prompt: '-n is not a flag here',
      workspace: worktree,
      model: 'gpt-5.1-codex',
      resumeToken: '01a23beb-b3e4-7853-b12c-2015d8a3d3df',
      extraArgs: ['-c', 'sandbox_mode="workspace-write"'],
    });

    expect(line.args).toEqual([
      'exec',
      'resume',
      '--json',
      '--model',
      'gpt-5.1-codex',
      '-c',
      'sandbox_mode="workspace-write"',
      '--',
      '01a23beb-b3e4-7853-b12c-2015d8a3d3df',
      '-n is not a flag here',
    ]);
  });

  it('should skip the git repository check only in a plain directory workspace', () => {
    expect(codexRuntime.batchCommand({ prompt: 'x', workspace: directory }).args).toEqual([
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--',
      'x',
    ]);
    expect(codexRuntime.batchCommand({ prompt: 'x', workspace: worktree }).args).not.toContain(
      '--skip-git-repo-check',
    );
  });

  it("should refuse a prompt of just '-', which makes codex read its empty stdin", () => {
    expect(() => codexRuntime.batchCommand({ prompt: ' - ', workspace: worktree })).toThrow(
      expect.objectContaining({
        code: 'RUNTIME_PROMPT_INVALID',
        message: expect.stringContaining("a prompt of just '-'"),
      }),
    );
  });
});

describe('codexRuntime output parsing (captured from codex 0.169.0)', () => {
  it('should read a text turn: the agent message, the thread id, usage without the cached part', () => {
    const { stdout, exit } = loadCapture('codex', 'text');

    expect(codexRuntime.parseOutput(stdout, exit)).toEqual({
      status: 'succeeded',
      finalText: 'Captured answer.',
      resumeToken: rawField(stdout, 'thread_id'),
      usage: { inputTokens: 100, outputTokens: 30, cacheReadTokens: 20 },
    });
  });

  it('should report the shell command live and ignore the model-metadata warning item', () => {
    const { stdout, exit, lines } = loadCapture('codex', 'tool');
    const parser = codexRuntime.createOutputParser();

    const events = lines.flatMap((line) => parser.push(line));

    expect(events).toEqual([
      { kind: 'session', id: rawField(stdout, 'thread_id') },
      { kind: 'tool', name: 'shell', phase: 'started' },
      { kind: 'tool', name: 'shell', phase: 'completed' },
      { kind: 'text', text: 'Wrote hello.txt.' },
      { kind: 'usage', usage: { inputTokens: 200, outputTokens: 40, cacheReadTokens: 20 } },
    ]);
    expect(parser.finish(exit)).toEqual(codexRuntime.parseOutput(stdout, exit));
  });

  it('should fail a turn.failed with the message inside the API error body', () => {
    const { stdout, exit } = loadCapture('codex', 'error');

    expect(codexRuntime.parseOutput(stdout, exit)).toEqual({
      status: 'failed',
      finalText: null,
      resumeToken: rawField(stdout, 'thread_id'),
      usage: null,
      error: 'codex failed: Captured bad request. (it exited 1)',
    });
  });

  it('should keep the thread id on resume and give the thread’s usage total (usageScope session)', () => {
    const first = loadCapture('codex', 'resume-first');
    const second = loadCapture('codex', 'resume-second');

    const before = codexRuntime.parseOutput(first.stdout, first.exit);
    const after = codexRuntime.parseOutput(second.stdout, second.exit);

    expect(after.resumeToken).toBe(before.resumeToken);
    expect(after.finalText).toBe('Second answer.');
    expect(before.usage).toEqual({ inputTokens: 100, outputTokens: 30, cacheReadTokens: 20 });
    expect(after.usage).toEqual({ inputTokens: 200, outputTokens: 60, cacheReadTokens: 40 });
    expect(codexRuntime.usageScope).toBe('session');
  });

  it('should fail an unknown thread with the error codex prints on stderr', () => {
    const { stdout, exit } = loadCapture('codex', 'unknown-session');

    expect(codexRuntime.parseOutput(stdout, exit)).toEqual({
      status: 'failed',
      finalText: null,
      resumeToken: null,
      usage: null,
      error:
        'codex exited 1 without a result: Error: thread/resume: thread/resume failed: no rollout found for thread id 01a23bdb-1e6f-7851-a752-e8becb3a50ce (code -32600)',
    });
  });

  it('should fail output cut before turn.completed, keeping what it had', () => {
    const { lines } = loadCapture('codex', 'text');
    const cut = [...lines.slice(0, -1), lines.at(-1)!.slice(0, 40)].join('\n');

    expect(
      codexRuntime.parseOutput(cut, {
        exitCode: 0,
        signal: null,
        stderrTail: 'Reading additional input from stdin...\n',
      }),
    ).toMatchObject({
      status: 'failed',
      finalText: 'Captured answer.',
      usage: null,
      error:
        'codex exited 0 without a result (1 output line(s) were not JSON): nothing on stderr; check the run log',
    });
  });

  it('should quote the last stderr line that is not codex’s usual chatter', () => {
    const stderrTail = [
      'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries',
      'Error: thread/start failed: permission denied (os error 13)',
      'Reading additional input from stdin...',
      '',
    ].join('\n');

    expect(codexRuntime.parseOutput('', { exitCode: 1, signal: null, stderrTail }).error).toBe(
      'codex exited 1 without a result: Error: thread/start failed: permission denied (os error 13)',
    );
  });

  it('should treat a stream error followed by a completed turn as a retry that worked', () => {
    const { lines, exit } = loadCapture('codex', 'text');
    const withRetry = [
      lines[0],
      JSON.stringify({
        type: 'error',
        message: 'Reconnecting... 1/5 (stream disconnected before completion)',
      }),
      ...lines.slice(1),
    ].join('\n');

    expect(codexRuntime.parseOutput(withRetry, exit).status).toBe('succeeded');
  });

  it('should fail on a last error that no completed turn followed', () => {
    const { lines } = loadCapture('codex', 'text');
    const output = [
      ...lines.slice(0, 3),
      JSON.stringify({ type: 'error', message: 'stream disconnected' }),
    ].join('\n');

    expect(codexRuntime.parseOutput(output, { exitCode: 1, signal: null }).error).toBe(
      'codex failed: stream disconnected (it exited 1)',
    );
  });

  it('should name MCP tools server.tool and fail declined ones', () => {
    const parser = codexRuntime.createOutputParser();
    const item = {
      id: 'i1',
      type: 'mcp_tool_call',
      server: 'fracta',
      tool: 'send_message',
      status: 'in_progress',
    };

    expect(parser.push(JSON.stringify({ type: 'item.started', item }))).toEqual([
      { kind: 'tool', name: 'fracta.send_message', phase: 'started' },
    ]);
    expect(parser.push(JSON.stringify({ type: 'item.updated', item }))).toEqual([]);
    expect(
      parser.push(JSON.stringify({ type: 'item.completed', item: { ...item, status: 'failed' } })),
    ).toEqual([{ kind: 'tool', name: 'fracta.send_message', phase: 'failed' }]);
    expect(
      parser.push(
        JSON.stringify({
          type: 'item.completed',
          item: { id: 'i2', type: 'file_change', status: 'declined' },
        }),
      ),
    ).toEqual([{ kind: 'tool', name: 'apply_patch', phase: 'failed' }]);
  });
});
