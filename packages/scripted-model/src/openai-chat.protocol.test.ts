import { describe, expect, it } from '@jest/globals';

import { type AnswerToolCall, type ModelAnswer } from './answer.js';
import { openaiChatProtocol } from './openai-chat.protocol.js';

interface Chunk {
  choices: {
    delta: { content?: string; tool_calls?: Record<string, unknown>[] };
    finish_reason: string | null;
  }[];
  usage?: Record<string, unknown>;
}

function parseChunks(frames: readonly string[]): Chunk[] {
  return frames.map((frame) => {
    expect(frame).toMatch(/^data: .*\n\n$/s);
    expect(frame).not.toContain('event:');
    return JSON.parse(frame.slice('data: '.length)) as Chunk;
  });
}

const usage = { inputTokens: 70, outputTokens: 4, cacheReadTokens: 0 };

function answer(overrides: Partial<ModelAnswer> = {}): ModelAnswer {
  return { model: 'scripted-model', text: 'All done', toolCall: null, usage, chunkSize: 3, ...overrides };
}

const writeCall: AnswerToolCall = {
  name: 'write',
  namespace: null,
  localName: 'write',
  argumentsJson: '{"filePath":"a.txt","content":"hi"}',
};

describe('openaiChatProtocol', () => {
  it('should stream text deltas, a stop chunk, then a usage chunk with no choices, ended by [DONE]', () => {
    const chunks = parseChunks(openaiChatProtocol.streamFrames(answer()));

    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(
      chunks
        .flatMap((chunk) => chunk.choices)
        .map((choice) => choice.delta.content ?? '')
        .join(''),
    ).toBe('All done');
    expect(chunks.at(-2)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 70, completion_tokens: 4, total_tokens: 74 },
    });
    expect(openaiChatProtocol.streamEnd).toBe('data: [DONE]\n\n');
  });

  it('should stream a tool call: id and name first, then the arguments, finishing with tool_calls', () => {
    const chunks = parseChunks(openaiChatProtocol.streamFrames(answer({ text: '', toolCall: writeCall })));

    const calls = chunks.flatMap((chunk) => chunk.choices).flatMap((choice) => choice.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'write' },
    });
    expect(calls.slice(1).every((call) => call.id === undefined)).toBe(true);
    expect(calls.map((call) => (call.function as { arguments: string }).arguments).join('')).toBe(
      writeCall.argumentsJson,
    );
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('should answer a non-streaming request with one completion', () => {
    expect(openaiChatProtocol.json(answer({ text: '', toolCall: writeCall }))).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { type: 'function', function: { name: 'write', arguments: writeCall.argumentsJson } },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 70, completion_tokens: 4 },
    });
    expect(openaiChatProtocol.json(answer({ text: '' }))).toMatchObject({
      choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: '' } }],
    });
  });

  it('should shape errors like the OpenAI API', () => {
    expect(openaiChatProtocol.error({ status: 400, message: 'bad', errorType: undefined })).toEqual({
      error: { message: 'bad', type: 'invalid_request_error', param: null, code: null },
    });
  });
});
