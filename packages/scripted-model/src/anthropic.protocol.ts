import { type ErrorAnswer, type ModelAnswer, newId, type ProtocolRenderer, sseFrame } from './answer.js';
import { chunkText } from './turn.js';

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

function usageOf(answer: ModelAnswer): Record<string, number> {
  return {
    input_tokens: answer.usage.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: answer.usage.cacheReadTokens,
    output_tokens: answer.usage.outputTokens,
  };
}

function contentBlocks(answer: ModelAnswer, toolUseId: string): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (answer.text !== '' || answer.toolCall === null) blocks.push({ type: 'text', text: answer.text });
  if (answer.toolCall) {
    blocks.push({
      type: 'tool_use',
      id: toolUseId,
      name: answer.toolCall.name,
      input: JSON.parse(answer.toolCall.argumentsJson) as unknown,
    });
  }
  return blocks;
}

/** Anthropic Messages API (`POST /v1/messages`), streaming and not. */
export const anthropicProtocol: ProtocolRenderer = {
  streamFrames(answer) {
    const messageId = newId('msg_');
    const toolUseId = newId('toolu_');
    const frames: string[] = [];
    const event = (type: string, data: Record<string, unknown>): void => {
      frames.push(sseFrame({ type, ...data }, type));
    };
    event('message_start', {
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model: answer.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usageOf(answer), output_tokens: 1 },
      },
    });
    event('ping', {});
    let index = 0;
    if (answer.text !== '' || answer.toolCall === null) {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const piece of chunkText(answer.text, answer.chunkSize)) {
        event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      }
      event('content_block_stop', { index });
      index += 1;
    }
    if (answer.toolCall) {
      event('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: toolUseId, name: answer.toolCall.name, input: {} },
      });
      for (const piece of chunkText(answer.toolCall.argumentsJson, answer.chunkSize)) {
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
      event('content_block_stop', { index });
    }
    event('message_delta', {
      delta: { stop_reason: answer.toolCall ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: usageOf(answer),
    });
    event('message_stop', {});
    return frames;
  },

  json(answer) {
    return {
      id: newId('msg_'),
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: contentBlocks(answer, newId('toolu_')),
      stop_reason: answer.toolCall ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: usageOf(answer),
    };
  },

  error(error: ErrorAnswer) {
    return {
      type: 'error',
      error: { type: error.errorType ?? anthropicErrorType(error.status), message: error.message },
    };
  },
};
