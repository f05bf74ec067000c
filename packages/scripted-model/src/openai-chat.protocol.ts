import { type ErrorAnswer, type ModelAnswer, newId, type ProtocolRenderer, sseFrame } from './answer.js';
import { openaiError } from './openai-errors.js';
import { chunkText } from './turn.js';

function usageOf(answer: ModelAnswer): Record<string, unknown> {
  return {
    prompt_tokens: answer.usage.inputTokens,
    completion_tokens: answer.usage.outputTokens,
    total_tokens: answer.usage.inputTokens + answer.usage.outputTokens,
    prompt_tokens_details: { cached_tokens: answer.usage.cacheReadTokens },
  };
}

/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`) as opencode's `@ai-sdk/openai-compatible`
 * provider uses it. The usage chunk is always sent before `[DONE]` (clients that did not ask for
 * it with `stream_options.include_usage` ignore a chunk with no choices).
 */
export const openaiChatProtocol: ProtocolRenderer = {
  streamFrames(answer) {
    const id = newId('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);
    const frames: string[] = [];
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
      frames.push(
        sseFrame({ id, object: 'chat.completion.chunk', created, model: answer.model, choices, ...extra }),
      );
    };
    const delta = (value: Record<string, unknown>, finishReason: string | null = null): void => {
      chunk([{ index: 0, delta: value, logprobs: null, finish_reason: finishReason }]);
    };
    delta({ role: 'assistant', content: '' });
    if (answer.text !== '') {
      for (const piece of chunkText(answer.text, answer.chunkSize)) delta({ content: piece });
    }
    if (answer.toolCall) {
      const callId = newId('call_');
      const pieces = chunkText(answer.toolCall.argumentsJson, answer.chunkSize);
      pieces.forEach((piece, position) => {
        delta({
          tool_calls: [
            position === 0
              ? {
                  index: 0,
                  id: callId,
                  type: 'function',
                  function: { name: answer.toolCall?.name, arguments: piece },
                }
              : { index: 0, function: { arguments: piece } },
          ],
        });
      });
    }
    delta({}, answer.toolCall ? 'tool_calls' : 'stop');
    chunk([], { usage: usageOf(answer) });
    return frames;
  },

  streamEnd: 'data: [DONE]\n\n',

  json(answer) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: answer.text === '' ? null : answer.text,
    };
    if (answer.toolCall) {
      message.tool_calls = [
        {
          id: newId('call_'),
          type: 'function',
          function: { name: answer.toolCall.name, arguments: answer.toolCall.argumentsJson },
        },
      ];
    } else if (message.content === null) {
      message.content = '';
    }
    return {
      id: newId('chatcmpl-'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: answer.model,
      choices: [
        { index: 0, message, logprobs: null, finish_reason: answer.toolCall ? 'tool_calls' : 'stop' },
      ],
      usage: usageOf(answer),
    };
  },

  error(error: ErrorAnswer) {
    return openaiError(error);
  },
};
