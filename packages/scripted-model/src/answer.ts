import { randomBytes } from 'node:crypto';

import { type ScriptedUsage } from './turn.js';

/** A model answer, independent of the protocol that will carry it. */
export interface ModelAnswer {
  readonly model: string;
  /** Text said in this answer ('' for none). */
  readonly text: string;
  /** A tool call ending the answer, if any. */
  readonly toolCall: AnswerToolCall | null;
  readonly usage: Required<ScriptedUsage>;
  readonly chunkSize: number;
}

export interface AnswerToolCall {
  /** The name as the client offered it (a Codex namespace tool is `namespace.name`). */
  readonly name: string;
  /** Set when the tool came from a Codex (Responses API) namespace. */
  readonly namespace: string | null;
  /** The tool's own name inside its namespace (equals `name` otherwise). */
  readonly localName: string;
  readonly argumentsJson: string;
}

/** What an error answer carries. */
export interface ErrorAnswer {
  readonly status: number;
  readonly message: string;
  readonly errorType: string | undefined;
}

/** A protocol turns answers into bytes: SSE frames when streaming, one JSON body otherwise. */
export interface ProtocolRenderer {
  streamFrames(answer: ModelAnswer): string[];
  json(answer: ModelAnswer): unknown;
  error(error: ErrorAnswer): unknown;
  /** The terminating frame of a stream, if the protocol has one beyond its events. */
  readonly streamEnd?: string;
}

export function sseFrame(data: unknown, event?: string): string {
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;
}

export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** Rough token estimate used when a turn gives no usage: about four characters per token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
