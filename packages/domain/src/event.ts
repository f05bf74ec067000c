export const EVENT_OUTCOMES = ['success', 'failure', 'timeout', 'rejected'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export const EVENT_SEVERITIES = ['debug', 'info', 'warn', 'error'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

/**
 * An append-only record. `id` increases monotonically in commit order, so "every event with
 * id > N" is a resumable cursor (the SSE `Last-Event-ID`).
 */
export interface AgentEvent {
  readonly id: number;
  readonly ts: Date;
  readonly component: string;
  readonly category: string;
  readonly resource: string;
  readonly action: string;
  readonly outcome: EventOutcome;
  readonly severity: EventSeverity;
  readonly agent: string | null;
  readonly run: string | null;
  readonly attrs: Readonly<Record<string, string>>;
}

export type EventDraft = Omit<AgentEvent, 'id'>;

export const EVENT_LIMITS = {
  fieldChars: 128,
  attrs: 32,
  attrValueChars: 2_048,
  pageMax: 1_000,
} as const;
