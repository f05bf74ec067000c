/** Which API a request spoke. */
export type ModelProtocol = 'anthropic' | 'openai-responses' | 'openai-chat' | 'other';

/** How the endpoint answered a request. */
export type AnswerKind =
  | 'text'
  | 'tool'
  | 'error'
  | 'fallback'
  | 'auxiliary'
  | 'unmatched-tool'
  | 'count-tokens'
  | 'models'
  | 'health'
  | 'not-found'
  | 'bad-request';

/** One message of a request's conversation, the same shape whichever protocol carried it. */
export interface ConversationMessage {
  /** `system`, `developer`, `user`, `assistant` or `tool` (a tool result). */
  readonly role: string;
  /** The text parts joined by newlines ('' when there are none). */
  readonly text: string;
  /** Names of the tools this (assistant) message called. */
  readonly toolCalls: readonly string[];
}

/** A request as the endpoint saw it, for assertions. Secrets in headers are redacted. */
export interface RecordedRequest {
  /** 1, 2, … in arrival order. */
  readonly seq: number;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: string;
  readonly protocol: ModelProtocol;
  /** Lower-cased names; `authorization`, `x-api-key`, cookies and the like are `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or null when there was none or it was not JSON. */
  readonly body: unknown;
  readonly bodyBytes: number;
  readonly model: string | null;
  readonly stream: boolean;
  /** Names of the tools offered to the model (Codex namespace tools as `namespace.name`). */
  readonly tools: readonly string[];
  /** The conversation sent, system prompt first when there is one. */
  readonly messages: readonly ConversationMessage[];
  /**
   * The prompt of this turn: the text of the last user message that has some, or null. Claude
   * Code's `<system-reminder>` parts are left out; opencode wraps each prompt argument that
   * contains a space in double quotes, and the model sees (and this records) the quotes.
   */
  readonly prompt: string | null;
  /** Outputs of tool calls sent back to the model in this request. */
  readonly toolResults: readonly string[];
  /** How the endpoint answered, and which scripted turn (0-based, over the server's life) did. */
  readonly answer: { readonly kind: AnswerKind; readonly turn: number | null; readonly status: number };
}

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'set-cookie',
  'x-goog-api-key',
]);

export const REDACTED = '[redacted]';

/** Lower-cased header map with secrets redacted and repeated headers joined. */
export function scrubHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out[key] = SECRET_HEADERS.has(key) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/** Text of a content value: a string, or an array of parts with `text` (any part type). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .filter(isObject)
    .filter((part) => typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

/** Output of a tool result: a string or content parts. */
function toolOutputText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return contentText(value);
  return stringOf(value);
}

interface Conversation {
  messages: ConversationMessage[];
  toolResults: string[];
  /** Set when the protocol knows better than "the last user message" (see anthropicConversation). */
  prompt?: string | null;
}

/** Claude Code adds context to user messages as separate `<system-reminder>` text parts. */
function isSystemReminder(part: Json): boolean {
  return typeof part.text === 'string' && part.text.trimStart().startsWith('<system-reminder>');
}

function anthropicConversation(body: Json): Conversation {
  const messages: ConversationMessage[] = [];
  const toolResults: string[] = [];
  let prompt: string | null = null;
  const system = contentText(body.system);
  if (system !== '') messages.push({ role: 'system', text: system, toolCalls: [] });
  for (const message of asArray(body.messages).filter(isObject)) {
    const role = stringOf(message.role);
    const parts = asArray(message.content).filter(isObject);
    if (role === 'user') {
      const said =
        typeof message.content === 'string'
          ? message.content
          : contentText(parts.filter((part) => part.type === 'text' && !isSystemReminder(part)));
      if (said !== '') prompt = said;
    }
    for (const part of parts) {
      if (part.type === 'tool_result') {
        const output = toolOutputText(part.content);
        toolResults.push(output);
        messages.push({ role: 'tool', text: output, toolCalls: [] });
      }
    }
    const toolCalls = parts.filter((part) => part.type === 'tool_use').map((part) => stringOf(part.name));
    const text =
      typeof message.content === 'string'
        ? message.content
        : contentText(parts.filter((part) => part.type !== 'tool_result'));
    if (text !== '' || toolCalls.length > 0 || parts.length === 0) {
      messages.push({ role, text, toolCalls });
    }
  }
  return { messages, toolResults, prompt };
}

function responsesConversation(body: Json): Conversation {
  const messages: ConversationMessage[] = [];
  const toolResults: string[] = [];
  const instructions = stringOf(body.instructions);
  if (instructions !== '') messages.push({ role: 'system', text: instructions, toolCalls: [] });
  if (typeof body.input === 'string') {
    messages.push({ role: 'user', text: body.input, toolCalls: [] });
    return { messages, toolResults };
  }
  for (const item of asArray(body.input).filter(isObject)) {
    const type = item.type ?? (item.role === undefined ? undefined : 'message');
    if (type === 'message') {
      messages.push({ role: stringOf(item.role), text: contentText(item.content), toolCalls: [] });
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      const name = stringOf(item.name);
      const namespace = typeof item.namespace === 'string' ? `${item.namespace}.` : '';
      messages.push({ role: 'assistant', text: '', toolCalls: [`${namespace}${name}`] });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const output = isObject(item.output)
        ? toolOutputText(item.output.content)
        : toolOutputText(item.output);
      toolResults.push(output);
      messages.push({ role: 'tool', text: output, toolCalls: [] });
    }
  }
  return { messages, toolResults };
}

function chatConversation(body: Json): Conversation {
  const messages: ConversationMessage[] = [];
  const toolResults: string[] = [];
  for (const message of asArray(body.messages).filter(isObject)) {
    const role = stringOf(message.role);
    const text = contentText(message.content);
    const toolCalls = asArray(message.tool_calls)
      .filter(isObject)
      .map((call) => (isObject(call.function) ? stringOf(call.function.name) : ''));
    if (role === 'tool') toolResults.push(text);
    messages.push({ role, text, toolCalls });
  }
  return { messages, toolResults };
}

/** Names of the offered tools, as the model would call them. */
export function offeredTools(protocol: ModelProtocol, body: unknown): string[] {
  if (!isObject(body)) return [];
  const names: string[] = [];
  for (const tool of asArray(body.tools).filter(isObject)) {
    if (protocol === 'openai-chat' && isObject(tool.function)) {
      names.push(stringOf(tool.function.name));
    } else if (protocol === 'openai-responses' && tool.type === 'namespace') {
      for (const inner of asArray(tool.tools).filter(isObject)) {
        names.push(`${stringOf(tool.name)}.${stringOf(inner.name)}`);
      }
    } else if (typeof tool.name === 'string') {
      names.push(tool.name);
    }
  }
  return names;
}

/** Everything a RecordedRequest derives from its body. */
export function describeBody(
  protocol: ModelProtocol,
  body: unknown,
): Pick<RecordedRequest, 'model' | 'stream' | 'tools' | 'messages' | 'prompt' | 'toolResults'> {
  if (!isObject(body)) {
    return { model: null, stream: false, tools: [], messages: [], prompt: null, toolResults: [] };
  }
  const conversation =
    protocol === 'anthropic'
      ? anthropicConversation(body)
      : protocol === 'openai-responses'
        ? responsesConversation(body)
        : protocol === 'openai-chat'
          ? chatConversation(body)
          : { messages: [], toolResults: [] };
  const lastUser = conversation.messages.findLast((message) => message.role === 'user');
  return {
    model: typeof body.model === 'string' ? body.model : null,
    stream: body.stream === true,
    tools: offeredTools(protocol, body),
    messages: conversation.messages,
    prompt: conversation.prompt !== undefined ? conversation.prompt : (lastUser?.text ?? null),
    toolResults: conversation.toolResults,
  };
}
