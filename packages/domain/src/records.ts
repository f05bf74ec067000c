/**
 * The rules every store applies to what it is asked to persist: the shape of a new agent record,
 * and the validity of events, messages and page sizes. Stores persist; the domain decides.
 */
import { assertAgentName, isValidAgentName, LIMITS, validateLabels, type Agent } from './agent.js';
import { ValidationError } from './errors.js';
import { EVENT_LIMITS, EVENT_OUTCOMES, EVENT_SEVERITIES, type EventDraft } from './event.js';
import { lifecycleEvent, targetStatus } from './lifecycle.js';
import type { MessageDraft } from './message.js';
import type { CreateAgentRequest } from './ports.js';

/** The record a store writes for `create`: validated name and labels, every default filled. */
export function newAgentRecord(request: CreateAgentRequest): Agent {
  const { draft, trigger, at } = request;
  return {
    name: assertAgentName(draft.name),
    runtime: draft.runtime,
    mode: draft.mode ?? 'batch',
    status: targetStatus(trigger),
    workspacePath: draft.workspacePath ?? null,
    branch: draft.branch ?? null,
    baseBranch: draft.baseBranch ?? null,
    resumeToken: null,
    intent: null,
    lastOutput: null,
    parentAgent: draft.parentAgent ?? null,
    labels: validateLabels(draft.labels ?? {}),
    createdAt: new Date(at.getTime()),
    startedAt: trigger === 'start' ? new Date(at.getTime()) : null,
    finishedAt: null,
    exitCode: null,
    failureReason: null,
    usage: null,
    currentRunId: request.run ?? null,
  };
}

/** The one event `create` appends. */
export function creationEvent(request: CreateAgentRequest): EventDraft {
  return lifecycleEvent({
    agent: request.draft.name,
    run: request.run ?? null,
    from: null,
    trigger: request.trigger,
    at: request.at,
    attrs: { ...request.attrs, runtime: request.draft.runtime },
  });
}

/** ValidationError PAGE_LIMIT_INVALID unless `limit` is an integer in 1..max. */
export function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValidationError(
      'PAGE_LIMIT_INVALID',
      `limit must be an integer from 1 to ${max}, got ${limit}`,
      {
        limit,
        max,
      },
    );
  }
  return limit;
}

export function validateEventDraft(draft: EventDraft): void {
  const invalid = (message: string, field: string) =>
    new ValidationError('EVENT_INVALID', message, { field });
  for (const field of ['component', 'category', 'resource', 'action'] as const) {
    const value = draft[field];
    if (value.length === 0 || value.length > EVENT_LIMITS.fieldChars) {
      throw invalid(`event ${field} must be 1-${EVENT_LIMITS.fieldChars} characters`, field);
    }
  }
  if (!EVENT_OUTCOMES.includes(draft.outcome)) {
    throw invalid(`event outcome must be one of ${EVENT_OUTCOMES.join(', ')}`, 'outcome');
  }
  if (!EVENT_SEVERITIES.includes(draft.severity)) {
    throw invalid(`event severity must be one of ${EVENT_SEVERITIES.join(', ')}`, 'severity');
  }
  if (Number.isNaN(draft.ts.getTime())) throw invalid('event ts must be a valid date', 'ts');
  const attrs = Object.entries(draft.attrs);
  if (attrs.length > EVENT_LIMITS.attrs) {
    throw invalid(`an event has at most ${EVENT_LIMITS.attrs} attrs, got ${attrs.length}`, 'attrs');
  }
  for (const [key, value] of attrs) {
    if (typeof value !== 'string' || value.length > EVENT_LIMITS.attrValueChars) {
      throw invalid(
        `event attr "${key.slice(0, 80)}" must be a string of at most ${EVENT_LIMITS.attrValueChars} characters`,
        'attrs',
      );
    }
  }
}

export function validateMessageDraft(draft: MessageDraft): void {
  for (const field of ['from', 'to'] as const) {
    if (!isValidAgentName(draft[field])) {
      throw new ValidationError(
        'MESSAGE_INVALID',
        `message ${field} must be an agent or mailbox name, got ${JSON.stringify(draft[field].slice(0, 80))}`,
        { field },
      );
    }
  }
  if (draft.body.length === 0 || draft.body.length > LIMITS.messageBodyChars) {
    throw new ValidationError(
      'MESSAGE_INVALID',
      `message body must be 1-${LIMITS.messageBodyChars} characters, got ${draft.body.length}`,
      { bodyChars: draft.body.length },
    );
  }
  if (Number.isNaN(draft.createdAt.getTime())) {
    throw new ValidationError('MESSAGE_INVALID', 'message createdAt must be a valid date');
  }
}
