import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { type ScriptedModel, startScriptedModel } from '../../src/index.js';

import { type CliSandbox, createSandbox, expectExit, runCli } from './cli-harness.js';

function opencodeArgs(model: string, prompt: string, session?: string): string[] {
  return [
    'run',
    '--format',
    'json',
    '--model',
    model,
    ...(session === undefined ? [] : ['--session', session]),
    '--',
    prompt,
  ];
}

function ofType(events: readonly Record<string, unknown>[], type: string): Record<string, unknown>[] {
  return events.filter((event) => event.type === type);
}

function partsOf(events: readonly Record<string, unknown>[], type: string): Record<string, unknown>[] {
  return ofType(events, type).map((event) => event.part as Record<string, unknown>);
}

// opencode boots a local server and a SQLite database on every run: 3-5 s each.
const RUN_TIMEOUT_MS = 40_000;

describe('opencode against the scripted model', () => {
  let model: ScriptedModel;
  let sandbox: CliSandbox;

  beforeEach(async () => {
    model = await startScriptedModel();
    sandbox = await createSandbox('opencode', model);
  });

  afterEach(async () => {
    await model.close();
    await sandbox.dispose();
  });

  it(
    'should run a full turn over Chat Completions, its title request aside, and print the answer with usage',
    async () => {
      model.enqueue({
        kind: 'text',
        text: 'Hello from the script',
        usage: { inputTokens: 42, outputTokens: 7 },
      });

      const result = await runCli(
        'opencode',
        opencodeArgs(sandbox.setup.model, 'say hello'),
        sandbox,
        RUN_TIMEOUT_MS,
      );

      expectExit(result, 0);
      const sessionIds = new Set(result.events.map((event) => event.sessionID));
      expect([...sessionIds]).toEqual([expect.stringMatching(/^ses_/)]);
      expect(partsOf(result.events, 'text').map((part) => part.text)).toEqual(['Hello from the script']);
      expect(partsOf(result.events, 'step_finish')).toEqual([
        expect.objectContaining({
          reason: 'stop',
          tokens: expect.objectContaining({ input: 42, output: 7 }),
          cost: 0,
        }),
      ]);
      expect(model.modelRequests).toHaveLength(1);
      // opencode wraps every prompt argument that contains a space in double quotes.
      expect(model.modelRequests[0]).toMatchObject({
        protocol: 'openai-chat',
        stream: true,
        prompt: '"say hello"',
      });
      expect(model.modelRequests[0]?.tools).toEqual(
        expect.arrayContaining(['bash', 'write', 'edit', 'read']),
      );
      expect(model.requests.filter((request) => request.answer.kind === 'auxiliary')).toHaveLength(1);
      expect(model.problems).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'should write a file with its built-in write tool, send the result back, then answer',
    async () => {
      model.script([
        {
          kind: 'tool',
          tool: 'write',
          arguments: { filePath: join(sandbox.workdir, 'hello.txt'), content: 'written by opencode\n' },
        },
        { kind: 'text', text: 'I wrote the file.' },
      ]);

      const result = await runCli(
        'opencode',
        opencodeArgs(sandbox.setup.model, 'write-hello.txt'),
        sandbox,
        RUN_TIMEOUT_MS,
      );

      expectExit(result, 0);
      expect(await readFile(join(sandbox.workdir, 'hello.txt'), 'utf8')).toBe('written by opencode\n');
      expect(partsOf(result.events, 'tool_use')).toEqual([
        expect.objectContaining({ tool: 'write', state: expect.objectContaining({ status: 'completed' }) }),
      ]);
      expect(partsOf(result.events, 'step_finish').map((part) => part.reason)).toEqual([
        'tool-calls',
        'stop',
      ]);
      expect(model.modelRequests[0]?.prompt).toBe('write-hello.txt');
      expect(model.modelRequests[1]?.toolResults).toEqual(['Wrote file successfully.']);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'should exit 1 with an error event carrying the message of a 4xx',
    async () => {
      model.enqueue({ kind: 'error', status: 400, message: 'scripted bad request' });

      const result = await runCli(
        'opencode',
        opencodeArgs(sandbox.setup.model, 'fail'),
        sandbox,
        RUN_TIMEOUT_MS,
      );

      expectExit(result, 1);
      expect(ofType(result.events, 'error')).toEqual([
        expect.objectContaining({
          sessionID: expect.stringMatching(/^ses_/),
          error: expect.objectContaining({
            name: 'APIError',
            data: expect.objectContaining({
              message: 'scripted bad request',
              statusCode: 400,
              isRetryable: false,
            }),
          }),
        }),
      ]);
      expect(model.modelRequests).toHaveLength(1);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'should resume the session with --session, sending the earlier turn to the model',
    async () => {
      model.script([
        { kind: 'text', text: 'The first answer.', usage: { inputTokens: 100, outputTokens: 10 } },
        { kind: 'text', text: 'The second answer.', usage: { inputTokens: 200, outputTokens: 20 } },
      ]);
      const first = await runCli(
        'opencode',
        opencodeArgs(sandbox.setup.model, 'first'),
        sandbox,
        RUN_TIMEOUT_MS,
      );
      expectExit(first, 0);
      const sessionId = first.events[0]?.sessionID as string;

      const second = await runCli(
        'opencode',
        opencodeArgs(sandbox.setup.model, 'second', sessionId),
        sandbox,
        RUN_TIMEOUT_MS,
      );

      expectExit(second, 0);
      expect(new Set(second.events.map((event) => event.sessionID))).toEqual(new Set([sessionId]));
      expect(partsOf(second.events, 'text').map((part) => part.text)).toEqual(['The second answer.']);
      // Usage is this run's, not the session's.
      expect(partsOf(second.events, 'step_finish')[0]?.tokens).toMatchObject({ input: 200, output: 20 });
      const resumed = model.modelRequests[1]!;
      expect(resumed.prompt).toBe('second');
      expect(resumed.messages.filter((message) => message.role !== 'system')).toEqual([
        { role: 'user', text: 'first', toolCalls: [] },
        { role: 'assistant', text: 'The first answer.', toolCalls: [] },
        { role: 'user', text: 'second', toolCalls: [] },
      ]);
      // The title is asked for once, when the session is created.
      expect(model.requests.filter((request) => request.answer.kind === 'auxiliary')).toHaveLength(1);
    },
    2 * RUN_TIMEOUT_MS,
  );

  it(
    'should fail an unknown session on stderr only, without calling the model',
    async () => {
      const result = await runCli(
        'opencode',
        opencodeArgs(sandbox.setup.model, 'hello', 'ses_doesnotexist123'),
        sandbox,
        RUN_TIMEOUT_MS,
      );

      expectExit(result, 1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Session not found');
      expect(model.modelRequests).toHaveLength(0);
    },
    RUN_TIMEOUT_MS,
  );
});
