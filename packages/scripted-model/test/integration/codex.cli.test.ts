import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { type ScriptedModel, startScriptedModel } from '../../src/index.js';

import { type CliSandbox, createSandbox, expectExit, runCli } from './cli-harness.js';

/**
 * `codex exec --json`. `exec resume` takes no `--sandbox`, so the workspace-write sandbox (the
 * default is read-only) is set with `-c`, which both forms accept.
 */
function codexArgs(prompt: string, resume?: string): string[] {
  return [
    'exec',
    ...(resume === undefined ? [] : ['resume']),
    '--json',
    '-c',
    'sandbox_mode="workspace-write"',
    '--',
    ...(resume === undefined ? [] : [resume]),
    prompt,
  ];
}

function ofType(events: readonly Record<string, unknown>[], type: string): Record<string, unknown>[] {
  return events.filter((event) => event.type === type);
}

describe('codex against the scripted model', () => {
  let model: ScriptedModel;
  let sandbox: CliSandbox;

  beforeEach(async () => {
    model = await startScriptedModel();
    sandbox = await createSandbox('codex', model);
  });

  afterEach(async () => {
    await model.close();
    await sandbox.dispose();
  });

  it('should run a full turn over the Responses API and print the scripted answer with its usage', async () => {
    model.enqueue({
      kind: 'text',
      text: 'Hello from the script',
      usage: { inputTokens: 42, outputTokens: 7 },
    });

    const result = await runCli('codex', codexArgs('say hello'), sandbox);

    expectExit(result, 0);
    expect(ofType(result.events, 'thread.started')).toEqual([
      { type: 'thread.started', thread_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ]);
    expect(ofType(result.events, 'item.completed').map((event) => event.item)).toContainEqual(
      expect.objectContaining({ type: 'agent_message', text: 'Hello from the script' }),
    );
    expect(ofType(result.events, 'turn.completed')).toEqual([
      { type: 'turn.completed', usage: expect.objectContaining({ input_tokens: 42, output_tokens: 7 }) },
    ]);
    expect(model.modelRequests).toHaveLength(1);
    expect(model.modelRequests[0]).toMatchObject({
      protocol: 'openai-responses',
      model: 'scripted-model',
      stream: true,
      prompt: 'say hello',
    });
    expect(model.modelRequests[0]?.headers.authorization).toBe('[redacted]');
    expect(model.problems).toEqual([]);
  });

  it('should write a file with its built-in exec_command tool, send the output back, then answer', async () => {
    model.script([
      { kind: 'tool', tool: 'exec_command', arguments: { cmd: "printf 'written by codex\\n' > hello.txt" } },
      { kind: 'text', text: 'I wrote the file.' },
    ]);

    const result = await runCli('codex', codexArgs('write hello.txt'), sandbox);

    expectExit(result, 0);
    expect(await readFile(join(sandbox.workdir, 'hello.txt'), 'utf8')).toBe('written by codex\n');
    const items = ofType(result.events, 'item.completed').map(
      (event) => event.item as Record<string, unknown>,
    );
    expect(items).toContainEqual(
      expect.objectContaining({ type: 'command_execution', exit_code: 0, status: 'completed' }),
    );
    expect(items.at(-1)).toMatchObject({ type: 'agent_message', text: 'I wrote the file.' });
    expect(model.modelRequests[1]?.toolResults).toEqual([
      expect.stringContaining('Process exited with code 0'),
    ]);
    expect(model.modelRequests[1]?.messages).toContainEqual({
      role: 'assistant',
      text: '',
      toolCalls: ['exec_command'],
    });
  });

  it('should not write in its default read-only sandbox', async () => {
    model.script([
      { kind: 'tool', tool: 'exec_command', arguments: { cmd: 'printf x > refused.txt' } },
      { kind: 'text', text: 'Could not write.' },
    ]);

    const result = await runCli('codex', ['exec', '--json', '--', 'write it'], sandbox);

    expectExit(result, 0);
    expect(model.modelRequests[1]?.toolResults).toEqual([expect.stringContaining('Read-only file system')]);
  });

  it('should exit 1 with turn.failed carrying the API error body of a 4xx', async () => {
    model.enqueue({ kind: 'error', status: 400, message: 'scripted bad request' });

    const result = await runCli('codex', codexArgs('fail please'), sandbox);

    expectExit(result, 1);
    const failed = ofType(result.events, 'turn.failed');
    expect(failed).toHaveLength(1);
    const message = (failed[0]?.error as { message: string }).message;
    expect(JSON.parse(message)).toEqual({
      error: { message: 'scripted bad request', type: 'invalid_request_error', param: null, code: null },
    });
    expect(ofType(result.events, 'turn.completed')).toEqual([]);
    expect(model.modelRequests).toHaveLength(1);
  });

  it('should replace the message of a 5xx with its own text', async () => {
    model.enqueue({ kind: 'error', status: 500, message: 'scripted outage' });

    const result = await runCli('codex', codexArgs('fail please'), sandbox);

    expectExit(result, 1);
    expect(ofType(result.events, 'turn.failed')[0]?.error).toEqual({
      message: expect.not.stringContaining('scripted outage'),
    });
    expect(model.modelRequests).toHaveLength(1);
  });

  it('should resume the thread with exec resume, sending the earlier turn to the model', async () => {
    model.script([
      { kind: 'text', text: 'The first answer.', usage: { inputTokens: 100, outputTokens: 10 } },
      { kind: 'text', text: 'The second answer.', usage: { inputTokens: 200, outputTokens: 20 } },
    ]);
    const first = await runCli('codex', codexArgs('first prompt'), sandbox);
    expectExit(first, 0);
    const threadId = ofType(first.events, 'thread.started')[0]?.thread_id as string;

    const second = await runCli('codex', codexArgs('second prompt', threadId), sandbox);

    expectExit(second, 0);
    expect(ofType(second.events, 'thread.started')).toEqual([
      { type: 'thread.started', thread_id: threadId },
    ]);
    // Usage on resume is the thread's total, not this run's.
    expect(ofType(second.events, 'turn.completed')[0]?.usage).toMatchObject({
      input_tokens: 300,
      output_tokens: 30,
    });
    const resumed = model.modelRequests[1]!;
    expect(resumed.prompt).toBe('second prompt');
    const said = resumed.messages
      .filter((message) => message.role === 'user' || message.role === 'assistant')
      .slice(-3);
    expect(said).toEqual([
      { role: 'user', text: 'first prompt', toolCalls: [] },
      { role: 'assistant', text: 'The first answer.', toolCalls: [] },
      { role: 'user', text: 'second prompt', toolCalls: [] },
    ]);
  });

  it('should fail an unknown thread on stderr only, without calling the model', async () => {
    const result = await runCli('codex', codexArgs('hello', '01a23bdb-1e6f-7851-a752-e8becb3a50ce'), sandbox);

    expectExit(result, 1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no rollout found for thread id 01a23bdb-1e6f-7851-a752-e8becb3a50ce');
    expect(model.modelRequests).toHaveLength(0);
  });
});
