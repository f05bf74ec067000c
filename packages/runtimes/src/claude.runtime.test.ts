import { describe, expect, it } from '@jest/globals';

import { loadCapture, rawField } from '../test/fixtures/fixtures.js';

import { claudeRuntime } from './claude.runtime.js';

const workspace = { path: '/srv/agents/alpha', kind: 'git-worktree' } as const;
const ok = { exitCode: 0, signal: null };

/** The per-run cost the result reports (total_cost_usd is the session's running total). */
function sinceCost(stdout: string): number {
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    model_usage_since_last_result: Record<string, { costUSD: number }>;
  };
  return Object.values(result.model_usage_since_last_result).reduce((sum, entry) => sum + entry.costUSD, 0);
}

describe('claudeRuntime.batchCommand', () => {
  it('should build a print-mode stream-json command with the prompt as the one argument after --', () => {
    expect(claudeRuntime.batchCommand({ prompt: 'fix the bug', workspace })).toEqual({
      command: 'claude',
      args: ['-p', '--output-format', 'stream-json', '--verbose', '--', 'fix the bug'],
      env: {},
    });
  });

  it('should place model, resume and extra arguments before the --', () => {
    const line = claudeRuntime.batchCommand({
      prompt: '--help is not a flag here',
      workspace,
      model: 'claude-sonnet-4-5',
      resumeToken: '4fc0d7e2-9003-47d2-94d7-005dc1f37768',
      binary: '/opt/claude/bin/claude',
      extraArgs: ['--allowedTools', 'Read', 'Write', '--permission-mode', 'acceptEdits'],
    });

    expect(line.command).toBe('/opt/claude/bin/claude');
    expect(line.args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'claude-sonnet-4-5',
      '--resume',
      '4fc0d7e2-9003-47d2-94d7-005dc1f37768',
      '--allowedTools',
      'Read',
      'Write',
      '--permission-mode',
      'acceptEdits',
      '--',
      '--help is not a flag here',
    ]);
  });

  it('should keep a multi-line prompt with quotes and shell characters as one argument', () => {
    const prompt = 'line one\nit\'s "quoted" $HOME `date` ; rm -rf /';

    expect(claudeRuntime.batchCommand({ prompt, workspace }).args.at(-1)).toBe(prompt);
  });

  it('should refuse a -- in the extra arguments, which would push the prompt among the options', () => {
    expect(() =>
      claudeRuntime.batchCommand({ prompt: 'x', workspace, extraArgs: ['--verbose', '--'] }),
    ).toThrow("claude: args[1] is '--'; remove it: fracta ends the options itself before the prompt");
  });
});

describe('claudeRuntime output parsing (captured from claude 2.1.330)', () => {
  it('should read a text turn: the result, the session id, usage and this run’s cost', () => {
    const { stdout, exit } = loadCapture('claude', 'text');

    expect(claudeRuntime.parseOutput(stdout, exit)).toEqual({
      status: 'succeeded',
      finalText: 'Captured answer.',
      resumeToken: rawField(stdout, 'session_id'),
      usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 20, costUsd: sinceCost(stdout) },
    });
  });

  it('should report the tool calls of a turn live and sum its usage over both requests', () => {
    const { stdout, exit, lines } = loadCapture('claude', 'tool');
    const parser = claudeRuntime.createOutputParser();

    const events = lines.flatMap((line) => parser.push(line));
    const outcome = parser.finish(exit);

    expect(events).toEqual([
      { kind: 'session', id: rawField(stdout, 'session_id') },
      { kind: 'tool', name: 'Write', phase: 'started' },
      { kind: 'tool', name: 'Write', phase: 'completed' },
      { kind: 'text', text: 'Wrote hello.txt.' },
      {
        kind: 'usage',
        usage: { inputTokens: 220, outputTokens: 40, cacheReadTokens: 20, costUsd: sinceCost(stdout) },
      },
    ]);
    expect(outcome).toEqual(claudeRuntime.parseOutput(stdout, exit));
    expect(outcome).toMatchObject({ status: 'succeeded', finalText: 'Wrote hello.txt.' });
  });

  it('should fail an API error with its message and no answer, though the result says subtype success', () => {
    const { stdout, exit } = loadCapture('claude', 'error');

    const outcome = claudeRuntime.parseOutput(stdout, exit);

    expect(outcome).toMatchObject({
      status: 'failed',
      finalText: null,
      resumeToken: rawField(stdout, 'session_id'),
    });
    expect(outcome.error).toMatch(/^claude failed: API Error: 529 Captured overload\..* \(it exited 1\)$/);
  });

  it('should give the run’s own cost after a resume, not the session total', () => {
    const first = loadCapture('claude', 'resume-first');
    const second = loadCapture('claude', 'resume-second');

    const outcome = claudeRuntime.parseOutput(second.stdout, second.exit);

    expect(outcome.resumeToken).toBe(claudeRuntime.parseOutput(first.stdout, first.exit).resumeToken);
    expect(outcome.finalText).toBe('Second answer.');
    expect(outcome.usage).toEqual({
      inputTokens: 120,
      outputTokens: 30,
      cacheReadTokens: 20,
      costUsd: sinceCost(second.stdout),
    });
    const total = Number(/"total_cost_usd":([0-9.e-]+)/.exec(second.stdout)?.[1]);
    expect(total).toBeCloseTo(2 * sinceCost(second.stdout), 10);
  });

  it('should fail an unknown session with the CLI’s own words', () => {
    const { stdout, exit } = loadCapture('claude', 'unknown-session');

    expect(claudeRuntime.parseOutput(stdout, exit)).toMatchObject({
      status: 'failed',
      finalText: null,
      error:
        'claude failed: No conversation found with session ID: 0f4b1a52-1111-4222-8333-944444444444 (it exited 1)',
    });
  });

  it('should fail output cut before its result, keeping the last answer and counting the broken line', () => {
    const { stdout, lines } = loadCapture('claude', 'text');
    const resultLine = lines.at(-1)!;
    const truncated = stdout.slice(0, stdout.length - resultLine.length / 2 - 1);

    const outcome = claudeRuntime.parseOutput(truncated, { exitCode: null, signal: 'SIGKILL' });

    expect(outcome).toEqual({
      status: 'failed',
      finalText: 'Captured answer.',
      resumeToken: rawField(stdout, 'session_id'),
      usage: null,
      error:
        'claude was killed by SIGKILL without a result (1 output line(s) were not JSON): nothing on stderr; check the run log',
    });
  });

  it('should quote the last stderr line when it exits non-zero without a result', () => {
    const { lines } = loadCapture('claude', 'text');
    const withoutResult = `${lines.slice(0, -1).join('\n')}\n`;

    const outcome = claudeRuntime.parseOutput(withoutResult, {
      exitCode: 137,
      signal: null,
      stderrTail: 'warming up\nFATAL ERROR: Reached heap limit Allocation failed\n\n',
    });

    expect(outcome.error).toBe(
      'claude exited 137 without a result: FATAL ERROR: Reached heap limit Allocation failed',
    );
  });

  it('should ignore garbage and blank lines between real events, and CRLF endings', () => {
    const { lines, exit } = loadCapture('claude', 'text');
    const noisy = [
      'Warning: stray print',
      '',
      '\u0000\u0001binary',
      '[1,2]',
      ...lines,
      '{"unterminated": ',
    ].join('\r\n');

    expect(claudeRuntime.parseOutput(noisy, exit)).toMatchObject({
      status: 'succeeded',
      finalText: 'Captured answer.',
    });
  });

  it('should fail a run whose result was fine but whose process then died', () => {
    const { stdout } = loadCapture('claude', 'text');

    expect(
      claudeRuntime.parseOutput(stdout, { exitCode: null, signal: 'SIGTERM', stderrTail: 'bye\n' }).error,
    ).toBe('claude was killed by SIGTERM after reporting a result: bye');
  });

  it('should fail a max-turns result by its subtype and errors', () => {
    const line = JSON.stringify({
      type: 'result',
      subtype: 'error_max_turns',
      is_error: true,
      session_id: 's-1',
      errors: ['Reached maximum number of turns (3)'],
      usage: { input_tokens: 5, output_tokens: 1 },
    });

    expect(claudeRuntime.parseOutput(line, { exitCode: 1, signal: null })).toMatchObject({
      status: 'failed',
      resumeToken: 's-1',
      usage: { inputTokens: 5, outputTokens: 1 },
      error: 'claude failed: Reached maximum number of turns (3) (it exited 1)',
    });
    expect(
      claudeRuntime.parseOutput(JSON.stringify({ type: 'result', subtype: 'error_during_execution' }), ok)
        .error,
    ).toBe('claude failed: claude ended with error_during_execution');
  });

  it('should fall back to total_cost_usd when the per-run cost is missing', () => {
    const line = JSON.stringify({
      type: 'result',
      subtype: 'success',
      result: 'x',
      usage: {},
      total_cost_usd: 0.5,
    });

    expect(claudeRuntime.parseOutput(line, ok).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0.5,
    });
  });

  it('should mark a tool whose result is an error as failed', () => {
    const parser = claudeRuntime.createOutputParser();
    parser.push(
      JSON.stringify({
        type: 'assistant',
        message: { content: [{ type: 'tool_use', id: 't1', name: 'Bash' }] },
      }),
    );

    expect(
      parser.push(
        JSON.stringify({
          type: 'user',
          message: { content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true }] },
        }),
      ),
    ).toEqual([{ kind: 'tool', name: 'Bash', phase: 'failed' }]);
  });
});
