import { AgentNameInvalidError, ValidationError } from './errors.js';
import { CONTROL_PLANE_MAILBOX, HOST_MAILBOX } from './message.js';

export const AGENT_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;

export const RUNTIMES = ['claude', 'codex', 'opencode', 'command'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export const AGENT_MODES = ['batch', 'stream'] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

export const AGENT_STATUSES = ['queued', 'running', 'idle', 'completed', 'failed', 'stopped'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Bounds that keep rows and API bodies small whatever an agent prints. */
export const LIMITS = {
  lastOutputChars: 8_192,
  intentChars: 1_024,
  failureReasonChars: 2_048,
  labelKeyChars: 63,
  labelValueChars: 256,
  labelsPerAgent: 32,
  messageBodyChars: 65_536,
} as const;

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens?: number;
  readonly costUsd?: number;
}

export interface Agent {
  readonly name: string;
  readonly runtime: Runtime;
  readonly mode: AgentMode;
  readonly status: AgentStatus;
  readonly workspacePath: string | null;
  readonly branch: string | null;
  readonly baseBranch: string | null;
  readonly resumeToken: string | null;
  readonly intent: string | null;
  /** Tail of the agent's output, at most LIMITS.lastOutputChars. */
  readonly lastOutput: string | null;
  readonly parentAgent: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly exitCode: number | null;
  readonly failureReason: string | null;
  readonly usage: TokenUsage | null;
  /** The run currently (or last) executing for this agent. */
  readonly currentRunId: string | null;
}

/** What a caller provides to create an agent record; the rest is derived. */
export interface AgentDraft {
  readonly name: string;
  readonly runtime: Runtime;
  readonly mode?: AgentMode;
  readonly workspacePath?: string | null;
  readonly branch?: string | null;
  readonly baseBranch?: string | null;
  readonly parentAgent?: string | null;
  readonly labels?: Record<string, string>;
}

export function isValidAgentName(name: string): boolean {
  return AGENT_NAME_PATTERN.test(name);
}

/** Mailbox names that are not agents; an agent may not take one. */
export const RESERVED_AGENT_NAMES: readonly string[] = [HOST_MAILBOX, CONTROL_PLANE_MAILBOX];

export function assertAgentName(name: string): string {
  if (!isValidAgentName(name)) throw new AgentNameInvalidError(name);
  if (RESERVED_AGENT_NAMES.includes(name.toLowerCase())) {
    throw new AgentNameInvalidError(name, `"${name}" is reserved for a mailbox; pick another name`);
  }
  return name;
}

const LABEL_KEY = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,62})?$/;

export function validateLabels(labels: Record<string, string>): Record<string, string> {
  const entries = Object.entries(labels);
  if (entries.length > LIMITS.labelsPerAgent) {
    throw new ValidationError(
      'AGENT_LABELS_INVALID',
      `too many labels (${entries.length}): at most ${LIMITS.labelsPerAgent}`,
    );
  }
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) {
      throw new ValidationError(
        'AGENT_LABELS_INVALID',
        `invalid label key ${JSON.stringify(key.slice(0, 80))}: use 1-63 letters, digits, '.', '_' or '-'`,
      );
    }
    if (value.length > LIMITS.labelValueChars) {
      throw new ValidationError(
        'AGENT_LABELS_INVALID',
        `label "${key}" is longer than ${LIMITS.labelValueChars} characters`,
      );
    }
  }
  return { ...labels };
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Keeps the last `max` UTF-16 units (the tail is what a person watching an agent needs),
 * never starting in the middle of a surrogate pair.
 */
export function boundTail(text: string, max: number = LIMITS.lastOutputChars): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let start = text.length - max;
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  return text.slice(start);
}

/** Keeps at most `max` UTF-16 units, marking a cut with '…' and never splitting a surrogate pair. */
export function boundHead(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  if (end > 0 && isLowSurrogate(text.charCodeAt(end))) end--;
  return `${text.slice(0, end)}…`;
}

export function featureBranch(agentName: string): string {
  return `feature/${assertAgentName(agentName)}`;
}
