import { describe, expect, it } from '@jest/globals';

import { type AnswerToolCall, type ModelAnswer } from './answer.js';
import { openaiResponsesProtocol } from './openai-responses.protocol.js';

function parseFrames(
  frames: readonly string[],
): { event: string | undefined; data: Record<string, unknown> }[] {
  return frames.map((frame) => ({
    event: /^event: (.*)$/m.exec(frame)?.[1],
    data: JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') as Record<string, unknown>,
  }));
}

const usage = { inputTokens: 50, outputTokens: 5, cacheReadTokens: 10 };

function answer(overrides: Partial<ModelAnswer> = {}): ModelAnswer {
  return { model: 'scripted-model', text: 'Done it', toolCall: null, usage, chunkSize: 3, ...overrides };
}

const execCall: AnswerToolCall = {
  name: 'exec_command',
  namespace: null,
  localName: 'exec_command',
  argumentsJson: '{"cmd":"printf hi > a.txt"}',
};

describe('openaiResponsesProtocol', () => {
  it('should stream a text answer with numbered events ending in response.completed with usage', () => {
    const frames = parseFrames(openaiResponsesProtocol.streamFrames(answer()));

    expect(frames.map((frame) => frame.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(frames.map((frame) => frame.data.sequence_number)).toEqual(frames.map((_frame, index) => index));
    expect(
      frames
        .filter((frame) => frame.event === 'response.output_text.delta')
        .map((frame) => frame.data.delta)
        .join(''),
    ).toBe('Done it');
    const completed = frames.at(-1)?.data.response as Record<string, unknown>;
    expect(completed).toMatchObject({
      status: 'completed',
      usage: {
        input_tokens: 50,
        output_tokens: 5,
        total_tokens: 55,
        input_tokens_details: { cached_tokens: 10 },
      },
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done it' }] }],
    });
    expect((frames[0]?.data.response as Record<string, unknown>).usage).toBeNull();
  });

  it('should stream a function call with its arguments in pieces and the same item id throughout', () => {
    const frames = parseFrames(
      openaiResponsesProtocol.streamFrames(answer({ text: '', toolCall: execCall })),
    );

    const added = frames.find((frame) => frame.event === 'response.output_item.added')?.data.item as Record<
      string,
      unknown
    >;
    expect(added).toMatchObject({
      type: 'function_call',
      name: 'exec_command',
      arguments: '',
      status: 'in_progress',
    });
    expect(added).not.toHaveProperty('namespace');
    const deltas = frames.filter((frame) => frame.event === 'response.function_call_arguments.delta');
    expect(deltas.map((frame) => frame.data.delta).join('')).toBe(execCall.argumentsJson);
    expect(new Set(deltas.map((frame) => frame.data.item_id))).toEqual(new Set([added.id]));
    expect(frames.find((frame) => frame.event === 'response.output_item.done')?.data.item).toMatchObject({
      id: added.id,
      call_id: expect.stringMatching(/^call_/),
      arguments: execCall.argumentsJson,
      status: 'completed',
    });
    expect(frames.some((frame) => frame.event === 'response.output_text.delta')).toBe(false);
  });

  it('should call a namespace tool by its own name with the namespace beside it', () => {
    const call: AnswerToolCall = {
      name: 'mcp__x.echo',
      namespace: 'mcp__x',
      localName: 'echo',
      argumentsJson: '{}',
    };

    const body = openaiResponsesProtocol.json(answer({ text: '', toolCall: call })) as { output: unknown[] };

    expect(body.output).toEqual([
      expect.objectContaining({ type: 'function_call', name: 'echo', namespace: 'mcp__x' }),
    ]);
  });

  it('should answer a non-streaming request with the completed response and output_text', () => {
    expect(openaiResponsesProtocol.json(answer({ toolCall: execCall }))).toMatchObject({
      object: 'response',
      status: 'completed',
      output_text: 'Done it',
      output: [{ type: 'message' }, { type: 'function_call', name: 'exec_command' }],
      usage: { input_tokens: 50, output_tokens: 5 },
    });
  });

  it('should shape errors like the OpenAI API', () => {
    expect(openaiResponsesProtocol.error({ status: 401, message: 'bad key', errorType: undefined })).toEqual({
      error: { message: 'bad key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
    expect(openaiResponsesProtocol.error({ status: 503, message: 'down', errorType: undefined })).toEqual({
      error: { message: 'down', type: 'server_error', param: null, code: null },
    });
    expect(openaiResponsesProtocol.error({ status: 429, message: 'slow down', errorType: 'quota' })).toEqual({
      error: { message: 'slow down', type: 'quota', param: null, code: 'rate_limit_exceeded' },
    });
  });
});
