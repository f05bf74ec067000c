import { ScriptedModelError } from './scripted-model.errors.js';

/** Token counts a scripted answer reports, in each protocol's own field names. */
export interface ScriptedUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens?: number;
}

/** Slow answers: a pause before the first byte, and between streamed chunks. */
export interface TurnTiming {
  /** Milliseconds before the response starts (headers included). */
  readonly delayMs?: number;
  /** Milliseconds between streamed chunks (SSE events carrying text or arguments). */
  readonly chunkDelayMs?: number;
}

/** The model answers with text and ends its turn. */
export interface TextTurn extends TurnTiming {
  readonly kind: 'text';
  readonly text: string;
  readonly usage?: ScriptedUsage;
  /** Characters per streamed text delta (default 16). */
  readonly chunkSize?: number;
}

/**
 * The model calls a tool. `tool` picks the first offered tool whose name matches: a string
 * matches the whole name or its last segment after `__`, `_`, `.` or `/` (so `echo` matches
 * Claude's `mcp__x__echo`, Codex's `mcp__x.echo` and opencode's `x_echo`); a RegExp is tested
 * against the whole name.
 */
export interface ToolCallTurn extends TurnTiming {
  readonly kind: 'tool';
  readonly tool: string | RegExp;
  readonly arguments?: Readonly<Record<string, unknown>>;
  /** Text the model says before the call, in the same answer. */
  readonly text?: string;
  readonly usage?: ScriptedUsage;
}

/** The API fails with an HTTP status and a body shaped like the protocol's own errors. */
export interface ErrorTurn extends TurnTiming {
  readonly kind: 'error';
  /**
   * 400-599. The answer carries `x-should-retry: false`, and prepareOfflineCli turns retries off
   * where a CLI allows it, yet: claude retries a 400, 404 or 422, dropping one optional beta
   * header each time (three requests in all for a 400 with 2.1.330), and opencode retries 5xx
   * after a few seconds. So script a 401/403/429/5xx for claude and a 4xx for opencode, or use
   * `repeat`. Codex shows its own text for a 5xx, the scripted message for a 4xx.
   */
  readonly status: number;
  readonly message?: string;
  /** How many consecutive model requests this error answers (default 1, at most 100), for CLIs that retry. */
  readonly repeat?: number;
  /** Protocol error type; derived from the status when absent (e.g. 400 → invalid_request_error). */
  readonly errorType?: string;
}

export type ScriptedTurn = TextTurn | ToolCallTurn | ErrorTurn;

const MAX_TEXT_CHARS = 1_000_000;
const MAX_DELAY_MS = 120_000;

function fail(index: number, message: string): never {
  throw new ScriptedModelError('SCRIPTED_TURN_INVALID', `scripted turn ${index}: ${message}`);
}

function checkTiming(turn: TurnTiming, index: number): void {
  for (const [key, value] of [
    ['delayMs', turn.delayMs],
    ['chunkDelayMs', turn.chunkDelayMs],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= MAX_DELAY_MS)) {
      fail(index, `${key} must be between 0 and ${MAX_DELAY_MS} ms, got ${String(value)}`);
    }
  }
}

function checkUsage(usage: ScriptedUsage | undefined, index: number): void {
  if (usage === undefined) return;
  for (const [key, value] of Object.entries(usage)) {
    if (!(Number.isInteger(value) && (value as number) >= 0)) {
      fail(index, `usage.${key} must be a non-negative integer, got ${String(value)}`);
    }
  }
}

function checkArguments(value: unknown, index: number): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(index, 'arguments must be an object of the tool parameters');
  }
  try {
    JSON.stringify(value);
  } catch (error) {
    fail(
      index,
      `arguments must be JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Rejects a malformed turn when it is queued, so a test fails at the line that scripted it. */
export function validateTurn(turn: ScriptedTurn, index: number): void {
  const given: unknown = turn;
  if (typeof given !== 'object' || given === null) {
    fail(index, `a turn must be an object with a kind of 'text', 'tool' or 'error', got ${String(given)}`);
  }
  checkTiming(turn, index);
  switch (turn.kind) {
    case 'text':
      if (typeof turn.text !== 'string' || turn.text.length > MAX_TEXT_CHARS) {
        fail(index, `text must be a string of at most ${MAX_TEXT_CHARS} characters`);
      }
      if (turn.chunkSize !== undefined && !(Number.isInteger(turn.chunkSize) && turn.chunkSize > 0)) {
        fail(index, `chunkSize must be a positive integer, got ${String(turn.chunkSize)}`);
      }
      checkUsage(turn.usage, index);
      return;
    case 'tool':
      if (!(turn.tool instanceof RegExp) && (typeof turn.tool !== 'string' || turn.tool === '')) {
        fail(index, 'tool must be a non-empty string or a RegExp naming the tool to call');
      }
      if (turn.text !== undefined && (typeof turn.text !== 'string' || turn.text.length > MAX_TEXT_CHARS)) {
        fail(index, `text must be a string of at most ${MAX_TEXT_CHARS} characters`);
      }
      checkArguments(turn.arguments, index);
      checkUsage(turn.usage, index);
      return;
    case 'error':
      if (!(Number.isInteger(turn.status) && turn.status >= 400 && turn.status <= 599)) {
        fail(index, `status must be an HTTP error status (400-599), got ${String(turn.status)}`);
      }
      if (turn.message !== undefined && typeof turn.message !== 'string') {
        fail(index, 'message must be a string');
      }
      if (
        turn.repeat !== undefined &&
        !(Number.isInteger(turn.repeat) && turn.repeat >= 1 && turn.repeat <= 100)
      ) {
        fail(index, `repeat must be an integer between 1 and 100, got ${String(turn.repeat)}`);
      }
      return;
    default: {
      const unknownTurn: unknown = turn;
      fail(index, `unknown kind in ${JSON.stringify(unknownTurn)}; use 'text', 'tool' or 'error'`);
    }
  }
}

/** Whether `name` (an offered tool) is picked by `matcher` (see ToolCallTurn). */
export function toolNameMatches(matcher: string | RegExp, name: string): boolean {
  if (matcher instanceof RegExp) {
    matcher.lastIndex = 0;
    return matcher.test(name);
  }
  if (name === matcher) return true;
  return ['__', '_', '.', '/'].some((separator) => name.endsWith(`${separator}${matcher}`));
}

/** Splits text into stream deltas of at most `size` characters (at least one, possibly empty). */
export function chunkText(text: string, size: number): string[] {
  if (text === '') return [''];
  const chunks: string[] = [];
  const characters = Array.from(text);
  for (let start = 0; start < characters.length; start += size) {
    chunks.push(characters.slice(start, start + size).join(''));
  }
  return chunks;
}
