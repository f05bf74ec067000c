import { LIMITS, type TokenUsage } from '@fracta/domain';

import { type ExitInfo, type OutputEvent, type OutputParser, type RunOutcome } from './runtime-adapter.js';

/** Lines longer than this are not parsed (a runaway tool output must not exhaust memory). */
export const MAX_LINE_CHARS = 8 * 1024 * 1024;
/** Final texts are cut to this many characters. */
const MAX_FINAL_TEXT_CHARS = 1024 * 1024;
/** Text carried by one progress event. */
export const MAX_EVENT_TEXT_CHARS = 64 * 1024;

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function countField(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

export function arrayField(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Cuts `text` to `max` characters, marking the cut. */
export function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** One line to a JSON object, or null for blank lines, garbage, non-objects and oversized lines. */
export function parseJsonLine(line: string): JsonObject | null {
  if (line.length > MAX_LINE_CHARS) return null;
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

// CSI and OSC sequences: opencode colours its stderr ("\x1b[91m\x1b[1mError: \x1b[0m…").
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const ANSI_ESCAPES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** The last non-empty line of `text`, without colour codes, bounded (a hint for "exited without a result"). */
export function lastNonEmptyLine(text: string | undefined): string | null {
  if (text === undefined) return null;
  const lines = text.slice(-16_384).replace(ANSI_ESCAPES, '').split(/\r?\n/);
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index]?.trim();
    if (line) return bounded(line, 300);
  }
  return null;
}

export function usageOf(
  inputTokens: number,
  outputTokens: number,
  cacheReadTokens: number,
  costUsd?: number,
): TokenUsage {
  return {
    inputTokens,
    outputTokens,
    ...(cacheReadTokens > 0 ? { cacheReadTokens } : {}),
    ...(costUsd === undefined ? {} : { costUsd }),
  };
}

/** What a runtime's output said about the run, before the exit is taken into account. */
export type Verdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'none' };

export interface OutcomeParts {
  readonly runtime: string;
  readonly verdict: Verdict;
  readonly finalText: string | null;
  readonly resumeToken: string | null;
  readonly usage: TokenUsage | null;
  /** Non-empty lines that were not JSON objects (truncated output, stray prints). */
  readonly skippedLines: number;
}

function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  if (exit.exitCode === null) return 'ended without an exit code';
  return `exited ${exit.exitCode}`;
}

/** Combines what the output said with how the process ended. */
export function decideOutcome(parts: OutcomeParts, exit: ExitInfo): RunOutcome {
  const base = {
    finalText: parts.finalText === null ? null : bounded(parts.finalText, MAX_FINAL_TEXT_CHARS),
    resumeToken: parts.resumeToken,
    usage: parts.usage,
  };
  const cleanExit = exit.signal === null && exit.exitCode === 0;
  if (parts.verdict.kind === 'success' && cleanExit) return { status: 'succeeded', ...base };

  const hint = lastNonEmptyLine(exit.stderrTail);
  const skipped = parts.skippedLines > 0 ? ` (${parts.skippedLines} output line(s) were not JSON)` : '';
  let error: string;
  switch (parts.verdict.kind) {
    case 'error':
      error = `${parts.runtime} failed: ${parts.verdict.message}${cleanExit ? '' : ` (it ${describeExit(exit)})`}`;
      break;
    case 'success':
      error = `${parts.runtime} ${describeExit(exit)} after reporting a result${hint ? `: ${hint}` : ''}`;
      break;
    case 'none':
      error = `${parts.runtime} ${describeExit(exit)} without a result${skipped}: ${hint ?? 'nothing on stderr; check the run log'}`;
      break;
  }
  return { status: 'failed', ...base, error: bounded(error, LIMITS.failureReasonChars) };
}

/** Shared line handling: JSON parsing, garbage counting, and parseOutput on top of push/finish. */
export abstract class JsonLinesParser implements OutputParser {
  protected skippedLines = 0;
  protected sessionId: string | null = null;

  push(line: string): OutputEvent[] {
    const event = parseJsonLine(line);
    if (event === null) {
      if (line.trim() !== '') this.skippedLines += 1;
      return [];
    }
    return this.onEvent(event);
  }

  abstract finish(exit: ExitInfo): RunOutcome;

  protected abstract onEvent(event: JsonObject): OutputEvent[];

  /** Records the session id; returns a session event the first time (or when it changes). */
  protected noteSession(id: unknown): OutputEvent[] {
    if (typeof id !== 'string' || id === '' || id.length > 256 || id === this.sessionId) return [];
    this.sessionId = id;
    return [{ kind: 'session', id }];
  }
}

/** Feeds a whole stdout to a fresh parser. */
export function parseWith(parser: OutputParser, stdout: string, exit: ExitInfo): RunOutcome {
  for (const line of stdout.split('\n')) parser.push(line.endsWith('\r') ? line.slice(0, -1) : line);
  return parser.finish(exit);
}

export function textEvent(text: string): OutputEvent {
  return { kind: 'text', text: bounded(text, MAX_EVENT_TEXT_CHARS) };
}
