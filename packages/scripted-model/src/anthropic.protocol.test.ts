import { describe, expect, it } from '@jest/globals';

import { type ModelAnswer } from './answer.js';
import { anthropicErrorType, anthropicProtocol } from './anthropic.protocol.js';

interface Frame {
  event: string | undefined;
  data: Record<string, unknown>;
}

function parseFrames(frames: readonly string[]): Frame[] {
  return frames.map((frame) => {
    expect(frame.endsWith('\n\n')).toBe(true);
    const event = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    return { event, data: JSON.parse(data ?? 'null') as Record<string, unknown> };
  });
}

const usage = { inputTokens: 120, outputTokens: 9, cacheReadTokens: 30 };

function answer(overrides: Partial<ModelAnswer> = {}): ModelAnswer {
  return { model: 'claude-scripted', text: 'Hello there', toolCall: null, usage, chunkSize: 4, ...overrides };
}

const writeCall = {
  name: 'Write',
  namespace: null,
  localName: 'Write',
  argumentsJson: JSON.stringify({ file_path: '/w/a.txt', content: 'hi\n' }),
};

describe('anthropicProtocol', () => {
  it('should stream a text answer as the Messages API event sequence, named like its data type', () => {
    const frames = parseFrames(anthropicProtocol.streamFrames(answer()));

    expect(frames.map((frame) => frame.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const frame of frames) expect(frame.data.type).toBe(frame.event);
    const text = frames
      .filter((frame) => frame.event === 'content_block_delta')
      .map((frame) => (frame.data.delta as { text: string }).text)
      .join('');
    expect(text).toBe('Hello there');
    expect(frames[0]?.data.message).toMatchObject({
      role: 'assistant',
      model: 'claude-scripted',
      content: [],
    });
    expect(frames[7]?.data).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: {
        input_tokens: 120,
        output_tokens: 9,
        cache_read_input_tokens: 30,
        cache_creation_input_tokens: 0,
      },
    });
  });

  it('should stream a tool call as a tool_use block whose input JSON arrives in pieces', () => {
    const frames = parseFrames(
      anthropicProtocol.streamFrames(answer({ text: 'Writing.', toolCall: writeCall })),
    );

    const starts = frames.filter((frame) => frame.event === 'content_block_start');
    expect(starts.map((frame) => frame.data.content_block)).toEqual([
      { type: 'text', text: '' },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'Write', input: {} },
    ]);
    const input = frames
      .filter((frame) => frame.event === 'content_block_delta' && frame.data.index === 1)
      .map((frame) => (frame.data.delta as { type: string; partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(input)).toEqual({ file_path: '/w/a.txt', content: 'hi\n' });
    expect(frames.find((frame) => frame.event === 'message_delta')?.data.delta).toMatchObject({
      stop_reason: 'tool_use',
    });
  });

  it('should leave out the text block when a tool call says nothing first', () => {
    const frames = parseFrames(anthropicProtocol.streamFrames(answer({ text: '', toolCall: writeCall })));

    const blocks = frames.filter((frame) => frame.event === 'content_block_start');
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.data).toMatchObject({ index: 0, content_block: { type: 'tool_use' } });
  });

  it('should still send one empty text block for an empty text answer', () => {
    const frames = parseFrames(anthropicProtocol.streamFrames(answer({ text: '' })));

    expect(frames.filter((frame) => frame.event === 'content_block_start')).toHaveLength(1);
    expect(frames.filter((frame) => frame.event === 'content_block_delta')).toHaveLength(1);
  });

  it('should answer a non-streaming request with one message body', () => {
    expect(anthropicProtocol.json(answer({ toolCall: writeCall }))).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'claude-scripted',
      content: [
        { type: 'text', text: 'Hello there' },
        {
          type: 'tool_use',
          id: expect.stringMatching(/^toolu_/),
          name: 'Write',
          input: { file_path: '/w/a.txt', content: 'hi\n' },
        },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 120,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 30,
        output_tokens: 9,
      },
    });
  });

  it('should shape errors like the API, deriving the type from the status unless given', () => {
    expect(anthropicProtocol.error({ status: 529, message: 'busy', errorType: undefined })).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'busy' },
    });
    expect(anthropicProtocol.error({ status: 400, message: 'no', errorType: 'custom_error' })).toEqual({
      type: 'error',
      error: { type: 'custom_error', message: 'no' },
    });
  });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [503, 'api_error'],
    [529, 'overloaded_error'],
    [418, 'invalid_request_error'],
  ])('should type status %i as %s', (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
  });
});
