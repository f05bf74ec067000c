import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  agentCliBinary,
  type ErrorTurn,
  type OfflineCliSetup,
  prepareOfflineCli,
  type ScriptedModel,
  type ScriptedTurn,
  startScriptedModel,
} from '@fracta/scripted-model';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { getRuntimeAdapter, type RuntimeAdapter } from '../../src/index.js';

import { type AgentRun, type AgentSandbox, createSandbox, runAgent } from './agent-process.js';

interface AgentProfile {
  readonly cli: 'claude' | 'codex' | 'opencode';
  /** fracta.yaml `args` that let the agent write files unattended. */
  readonly extraArgs: readonly string[];
  readonly writeTurn: (workdir: string) => ScriptedTurn;
  readonly toolName: string;
  /** An API error this CLI fails on at once (see ErrorTurn on retries), and the words it reports. */
  readonly errorTurn: ErrorTurn;
  readonly errorText: string;
  readonly unknownSession: string;
  readonly unknownSessionText: string;
  /** The domain usage of { inputTokens: 120, outputTokens: 30, cacheReadTokens: 20 }: OpenAI counts cached tokens inside input tokens, Anthropic and the domain apart. */
  readonly usage: unknown;
  readonly timeoutMs: number;
}

const scriptedUsage = { inputTokens: 120, outputTokens: 30, cacheReadTokens: 20 };

const profiles: readonly AgentProfile[] = [
  {
    cli: 'claude',
    extraArgs: ['--permission-mode', 'acceptEdits'],
    writeTurn: (workdir) => ({
      kind: 'tool',
      tool: 'Write',
      arguments: { file_path: join(workdir, 'hello.txt'), content: 'hello from claude\n' },
    }),
    toolName: 'Write',
    errorTurn: { kind: 'error', status: 529, message: 'Scripted overload.' },
    errorText: 'claude failed: API Error: 529 Scripted overload.',
    unknownSession: '0f4b1a52-1111-4222-8333-944444444444',
    unknownSessionText:
      'claude failed: No conversation found with session ID: 0f4b1a52-1111-4222-8333-944444444444',
    usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 20, costUsd: expect.any(Number) },
    timeoutMs: 30_000,
  },
  {
    cli: 'codex',
    // `exec resume` takes no --sandbox; -c works for both forms.
    extraArgs: ['-c', 'sandbox_mode="workspace-write"'],
    writeTurn: () => ({
      kind: 'tool',
      tool: 'exec_command',
      arguments: { cmd: "printf 'hello from codex\\n' > hello.txt" },
    }),
    toolName: 'shell',
    errorTurn: { kind: 'error', status: 400, message: 'Scripted bad request.' },
    errorText: 'codex failed: Scripted bad request. (it exited 1)',
    unknownSession: '01a23bdb-1e6f-7851-a752-e8becb3a50ce',
    unknownSessionText:
      'codex exited 1 without a result: Error: thread/resume: thread/resume failed: no rollout found',
    usage: { inputTokens: 100, outputTokens: 30, cacheReadTokens: 20 },
    timeoutMs: 30_000,
  },
  {
    cli: 'opencode',
    extraArgs: [],
    writeTurn: (workdir) => ({
      kind: 'tool',
      tool: 'write',
      arguments: { filePath: join(workdir, 'hello.txt'), content: 'hello from opencode\n' },
    }),
    toolName: 'write',
    errorTurn: { kind: 'error', status: 400, message: 'Scripted bad request.' },
    errorText: 'opencode failed: Scripted bad request. (it exited 1)',
    unknownSession: 'ses_doesnotexist123',
    unknownSessionText: 'opencode exited 1 without a result: Error: Session not found',
    usage: { inputTokens: 100, outputTokens: 30, cacheReadTokens: 20 },
    // opencode boots a server and a database on every run: 3-10 s on a busy machine.
    timeoutMs: 60_000,
  },
];

describe.each(profiles.map((profile) => [profile.cli, profile] as const))(
  '%s runtime with the real CLI',
  (_cli, profile) => {
    const adapter: RuntimeAdapter = getRuntimeAdapter(profile.cli);
    let model: ScriptedModel;
    let sandbox: AgentSandbox;
    let setup: OfflineCliSetup;

    beforeEach(async () => {
      model = await startScriptedModel();
      sandbox = await createSandbox(profile.cli);
      setup = await prepareOfflineCli(profile.cli, model, { home: sandbox.home });
    });

    afterEach(async () => {
      await model.close();
      await sandbox.dispose();
    });

    function turn(
      prompt: string,
      resumeToken: string | null = null,
    ): Promise<AgentRun & { args: readonly string[] }> {
      const line = adapter.batchCommand({
        prompt,
        workspace: { path: sandbox.workdir, kind: 'git-worktree' },
        model: setup.model,
        resumeToken,
        binary: agentCliBinary(profile.cli),
        extraArgs: profile.extraArgs,
      });
      return runAgent(adapter, line, {
        cwd: sandbox.workdir,
        env: setup.env,
        timeoutMs: profile.timeoutMs,
      }).then((run) => ({ ...run, args: line.args }));
    }

    it(
      'should succeed with the scripted answer, a resume token and the scripted usage',
      async () => {
        model.enqueue({ kind: 'text', text: 'The scripted answer.', usage: scriptedUsage });

        const run = await turn('answer me');

        expect(run.outcome).toEqual({
          status: 'succeeded',
          finalText: 'The scripted answer.',
          resumeToken: expect.any(String),
          usage: profile.usage,
        });
        expect(run.events).toContainEqual({ kind: 'session', id: run.outcome.resumeToken });
        expect(run.events).toContainEqual({ kind: 'text', text: 'The scripted answer.' });
        expect(run.events.at(-1)).toEqual({ kind: 'usage', usage: profile.usage });
        expect(model.modelRequests).toHaveLength(1);
        expect(model.modelRequests[0]?.model).toBe(
          profile.cli === 'opencode' ? 'scripted-model' : setup.model,
        );
      },
      profile.timeoutMs,
    );

    it(
      'should write a file with a built-in tool and report the tool live',
      async () => {
        model.script([profile.writeTurn(sandbox.workdir), { kind: 'text', text: 'Wrote hello.txt.' }]);

        const run = await turn('write hello.txt');

        expect(run.outcome).toMatchObject({ status: 'succeeded', finalText: 'Wrote hello.txt.' });
        expect(await readFile(join(sandbox.workdir, 'hello.txt'), 'utf8')).toBe(
          `hello from ${profile.cli}\n`,
        );
        expect(run.events).toContainEqual({ kind: 'tool', name: profile.toolName, phase: 'completed' });
        expect(model.problems).toEqual([]);
      },
      profile.timeoutMs,
    );

    it(
      'should resume the same session from the resume token, the model seeing the previous turn',
      async () => {
        model.script([
          { kind: 'text', text: 'First answer.', usage: scriptedUsage },
          { kind: 'text', text: 'Second answer.', usage: scriptedUsage },
        ]);
        const first = await turn('first-question');
        expect(first.outcome.status).toBe('succeeded');
        const token = first.outcome.resumeToken!;

        const second = await turn('second-question', token);

        expect(second.args).toContain(token);
        expect(second.outcome).toMatchObject({
          status: 'succeeded',
          finalText: 'Second answer.',
          resumeToken: token,
        });
        const resumed = model.modelRequests[1]!;
        expect(resumed.prompt).toBe('second-question');
        const said = resumed.messages
          .filter((message) => message.role === 'user' || message.role === 'assistant')
          .map((message) => message.text);
        const firstQuestion = said.findIndex((text) => text.includes('first-question'));
        expect(firstQuestion).toBeGreaterThanOrEqual(0);
        expect(said.slice(firstQuestion + 1)).toEqual(['First answer.', 'second-question']);
      },
      2 * profile.timeoutMs,
    );

    it(
      'should fail an API error with its message',
      async () => {
        model.enqueue(profile.errorTurn);

        const run = await turn('fail');

        expect(run.outcome.status).toBe('failed');
        expect(run.outcome.finalText).toBeNull();
        expect(run.outcome.error).toContain(profile.errorText);
        expect(run.exitCode).toBe(1);
        expect(run.events).toContainEqual({
          kind: 'error',
          message: expect.stringContaining(profile.errorTurn.message!),
        });
      },
      profile.timeoutMs,
    );

    it(
      'should fail a resume token the CLI does not know, without calling the model',
      async () => {
        const run = await turn('hello', profile.unknownSession);

        expect(run.outcome.status).toBe('failed');
        expect(run.outcome.error).toContain(profile.unknownSessionText);
        expect(model.modelRequests).toHaveLength(0);
      },
      profile.timeoutMs,
    );
  },
);
