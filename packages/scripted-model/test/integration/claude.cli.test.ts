import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { type ScriptedModel, startScriptedModel } from '../../src/index.js';

import { type CliSandbox, createSandbox, expectExit, runCli } from './cli-harness.js';

/** `claude -p` with stream-json output; acceptEdits lets the built-in Write tool run unattended. */
function claudeArgs(prompt: string, resume?: string): string[] {
  return [
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--permission-mode',
    'acceptEdits',
    ...(resume === undefined ? [] : ['--resume', resume]),
    '--',
    prompt,
  ];
}

function resultEvent(events: readonly Record<string, unknown>[]): Record<string, unknown> | undefined {
  return events.find((event) => event.type === 'result');
}

describe('claude against the scripted model', () => {
  let model: ScriptedModel;
  let sandbox: CliSandbox;

  beforeEach(async () => {
    model = await startScriptedModel();
    sandbox = await createSandbox('claude', model);
  });

  afterEach(async () => {
    await model.close();
    await sandbox.dispose();
  });

  it('should run a full turn and print the scripted answer with its usage', async () => {
    model.enqueue({
      kind: 'text',
      text: 'Hello from the script',
      usage: { inputTokens: 42, outputTokens: 7 },
    });

    const result = await runCli('claude', claudeArgs('say hello'), sandbox);

    expectExit(result, 0);
    expect(resultEvent(result.events)).toMatchObject({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'Hello from the script',
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      usage: { input_tokens: 42, output_tokens: 7 },
    });
    expect(model.modelRequests).toHaveLength(1);
    expect(model.modelRequests[0]).toMatchObject({
      protocol: 'anthropic',
      path: '/v1/messages',
      stream: true,
      prompt: 'say hello',
    });
    expect(model.modelRequests[0]?.tools).toEqual(expect.arrayContaining(['Write', 'Bash', 'Read']));
    expect(model.requests[0]?.headers['x-api-key']).toBe('[redacted]');
    expect(model.problems).toEqual([]);
  });

  it('should write a file with its built-in Write tool, send the result back, then answer', async () => {
    const target = join(sandbox.workdir, 'notes', 'hello.txt');
    model.script([
      { kind: 'tool', tool: 'Write', arguments: { file_path: target, content: 'written by claude\n' } },
      { kind: 'text', text: 'I wrote the file.' },
    ]);

    const result = await runCli('claude', claudeArgs('write notes/hello.txt'), sandbox);

    expectExit(result, 0);
    expect(await readFile(target, 'utf8')).toBe('written by claude\n');
    expect(resultEvent(result.events)).toMatchObject({
      result: 'I wrote the file.',
      num_turns: 2,
      is_error: false,
    });
    const [, second] = model.modelRequests;
    expect(second?.toolResults).toEqual([expect.stringContaining('File created successfully')]);
    expect(second?.messages.filter((message) => message.role === 'assistant')).toEqual([
      { role: 'assistant', text: '', toolCalls: ['Write'] },
    ]);
  });

  it('should not write outside its grant: without acceptEdits the Write call is refused', async () => {
    const target = join(sandbox.workdir, 'refused.txt');
    model.script([
      { kind: 'tool', tool: 'Write', arguments: { file_path: target, content: 'x' } },
      { kind: 'text', text: 'Could not write.' },
    ]);

    const result = await runCli(
      'claude',
      ['-p', '--output-format', 'stream-json', '--verbose', '--', 'write it'],
      sandbox,
    );

    expectExit(result, 0);
    expect(existsSync(target)).toBe(false);
    expect(model.modelRequests[1]?.toolResults).toEqual([expect.stringContaining("haven't granted it yet")]);
  });

  it('should exit 1 and report an API error without retrying', async () => {
    model.enqueue({ kind: 'error', status: 529, message: 'scripted overload' });

    const result = await runCli('claude', claudeArgs('fail please'), sandbox);

    expectExit(result, 1);
    expect(resultEvent(result.events)).toMatchObject({
      is_error: true,
      api_error_status: 529,
      result: expect.stringContaining('529 scripted overload'),
    });
    expect(model.modelRequests).toHaveLength(1);
  });

  it('should retry a 400, dropping one optional beta header each time, before it fails', async () => {
    model.enqueue({ kind: 'error', status: 400, message: 'scripted bad request', repeat: 10 });

    const result = await runCli('claude', claudeArgs('fail please'), sandbox);

    expectExit(result, 1);
    expect(resultEvent(result.events)).toMatchObject({
      is_error: true,
      result: expect.stringContaining('scripted bad request'),
    });
    const betas = model.modelRequests.map(
      (request) => request.headers['anthropic-beta']?.split(',').length ?? 0,
    );
    expect(betas).toHaveLength(3);
    expect(betas[1]).toBe(betas[0]! - 1);
    expect(betas[2]).toBe(betas[0]! - 2);
  });

  it('should resume the session with --resume, sending the earlier turn to the model', async () => {
    model.script([
      { kind: 'text', text: 'The first answer.' },
      { kind: 'text', text: 'The second answer.' },
    ]);
    const first = await runCli('claude', claudeArgs('first prompt'), sandbox);
    expectExit(first, 0);
    const sessionId = resultEvent(first.events)?.session_id as string;

    const second = await runCli('claude', claudeArgs('second prompt', sessionId), sandbox);

    expectExit(second, 0);
    expect(resultEvent(second.events)).toMatchObject({ session_id: sessionId, result: 'The second answer.' });
    const resumed = model.modelRequests[1]!;
    expect(resumed.prompt).toBe('second prompt');
    const conversation = resumed.messages.filter((message) => message.role !== 'system');
    expect(conversation.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(conversation[0]?.text).toContain('first prompt');
    expect(conversation[1]?.text).toBe('The first answer.');
    expect(conversation[2]?.text).toBe('second prompt');
  });

  it('should report an unknown session as an error result, without calling the model', async () => {
    const result = await runCli(
      'claude',
      claudeArgs('hello', '0f4b1a52-1111-4222-8333-944444444444'),
      sandbox,
    );

    expectExit(result, 1);
    expect(resultEvent(result.events)).toMatchObject({
      subtype: 'error_during_execution',
      is_error: true,
      errors: ['No conversation found with session ID: 0f4b1a52-1111-4222-8333-944444444444'],
    });
    expect(model.modelRequests).toHaveLength(0);
  });
});
