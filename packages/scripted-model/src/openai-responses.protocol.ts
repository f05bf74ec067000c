import { type ErrorAnswer, type ModelAnswer, newId, type ProtocolRenderer, sseFrame } from './answer.js';
import { openaiError } from './openai-errors.js';
import { chunkText } from './turn.js';

function usageOf(answer: ModelAnswer): Record<string, unknown> {
  return {
    input_tokens: answer.usage.inputTokens,
    input_tokens_details: { cached_tokens: answer.usage.cacheReadTokens },
    output_tokens: answer.usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: answer.usage.inputTokens + answer.usage.outputTokens,
  };
}

function responseObject(
  id: string,
  answer: ModelAnswer,
  status: 'in_progress' | 'completed',
  output: unknown[],
): Record<string, unknown> {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    model: answer.model,
    output,
    parallel_tool_calls: false,
    usage: status === 'completed' ? usageOf(answer) : null,
  };
}

interface Items {
  message: Record<string, unknown> | null;
  call: Record<string, unknown> | null;
}

function completedItems(answer: ModelAnswer): Items {
  const message =
    answer.text !== '' || answer.toolCall === null
      ? {
          id: newId('msg_'),
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: answer.text, annotations: [] }],
        }
      : null;
  const call = answer.toolCall
    ? {
        id: newId('fc_'),
        type: 'function_call',
        status: 'completed',
        call_id: newId('call_'),
        name: answer.toolCall.localName,
        ...(answer.toolCall.namespace === null ? {} : { namespace: answer.toolCall.namespace }),
        arguments: answer.toolCall.argumentsJson,
      }
    : null;
  return { message, call };
}

/** OpenAI Responses API (`POST /v1/responses`) as Codex uses it (`wire_api = "responses"`). */
export const openaiResponsesProtocol: ProtocolRenderer = {
  streamFrames(answer) {
    const responseId = newId('resp_');
    const { message, call } = completedItems(answer);
    const frames: string[] = [];
    let sequence = 0;
    const event = (type: string, data: Record<string, unknown>): void => {
      frames.push(sseFrame({ type, sequence_number: sequence, ...data }, type));
      sequence += 1;
    };
    event('response.created', { response: responseObject(responseId, answer, 'in_progress', []) });
    event('response.in_progress', { response: responseObject(responseId, answer, 'in_progress', []) });
    const output: unknown[] = [];
    if (message) {
      const outputIndex = output.length;
      const itemId = message.id as string;
      event('response.output_item.added', {
        output_index: outputIndex,
        item: { ...message, status: 'in_progress', content: [] },
      });
      const part = { type: 'output_text', text: '', annotations: [] };
      event('response.content_part.added', {
        item_id: itemId,
        output_index: outputIndex,
        content_index: 0,
        part,
      });
      for (const piece of chunkText(answer.text, answer.chunkSize)) {
        event('response.output_text.delta', {
          item_id: itemId,
          output_index: outputIndex,
          content_index: 0,
          delta: piece,
          logprobs: [],
        });
      }
      event('response.output_text.done', {
        item_id: itemId,
        output_index: outputIndex,
        content_index: 0,
        text: answer.text,
        logprobs: [],
      });
      event('response.content_part.done', {
        item_id: itemId,
        output_index: outputIndex,
        content_index: 0,
        part: { ...part, text: answer.text },
      });
      event('response.output_item.done', { output_index: outputIndex, item: message });
      output.push(message);
    }
    if (call) {
      const outputIndex = output.length;
      const itemId = call.id as string;
      event('response.output_item.added', {
        output_index: outputIndex,
        item: { ...call, status: 'in_progress', arguments: '' },
      });
      const argumentsJson = call.arguments as string;
      for (const piece of chunkText(argumentsJson, answer.chunkSize)) {
        event('response.function_call_arguments.delta', {
          item_id: itemId,
          output_index: outputIndex,
          delta: piece,
        });
      }
      event('response.function_call_arguments.done', {
        item_id: itemId,
        output_index: outputIndex,
        arguments: argumentsJson,
      });
      event('response.output_item.done', { output_index: outputIndex, item: call });
      output.push(call);
    }
    event('response.completed', { response: responseObject(responseId, answer, 'completed', output) });
    return frames;
  },

  json(answer) {
    const { message, call } = completedItems(answer);
    const output = [message, call].filter((item) => item !== null);
    return { ...responseObject(newId('resp_'), answer, 'completed', output), output_text: answer.text };
  },

  error(error: ErrorAnswer) {
    return openaiError(error);
  },
};
