import {
  type Agent,
  type AgentEvent,
  AgentNotFoundError,
  EVENT_LIMITS,
  EVENT_OUTCOMES,
  EVENT_SEVERITIES,
  type EventDraft,
  type GatewayCredential,
  type Run,
  ValidationError,
} from '@fracta/domain';

import { copyDate } from './memory-support.js';

export interface StoredAgent {
  /** Creation order: the keyset of `list`. */
  readonly seq: number;
  agent: Agent;
}

export interface StoredMessage {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly createdAt: Date;
}

const EVENT_FIELDS = ['component', 'category', 'resource', 'action'] as const;

/**
 * The tables of one in-memory store, shared by its repositories. Every repository method does
 * its whole read-check-write synchronously, so it is atomic the way a database transaction is.
 *
 * @internal Build stores with `createMemoryStore`; repositories built alone get a private state.
 */
export class MemoryStoreState {
  readonly agents = new Map<string, StoredAgent>();
  readonly events: AgentEvent[] = [];
  readonly messages: StoredMessage[] = [];
  /** Per recipient: the id of the last message it has read. */
  readonly readCursors = new Map<string, number>();
  readonly runs = new Map<string, Run>();
  readonly credentials = new Map<string, GatewayCredential>();
  /**
   * Whether a run must belong to an existing agent (a foreign key; credentials have none). On in
   * stores from `createMemoryStore`; off for a run repository built on its own.
   */
  readonly checksAgents: boolean;
  private lastAgentSeq = 0;
  private lastMessageId = 0;

  constructor(options: { checksAgents?: boolean } = {}) {
    this.checksAgents = options.checksAgents ?? false;
  }

  nextAgentSeq(): number {
    this.lastAgentSeq += 1;
    return this.lastAgentSeq;
  }

  nextMessageId(): number {
    this.lastMessageId += 1;
    return this.lastMessageId;
  }

  /** AgentNotFoundError when this store checks agents and `name` is not one. */
  requireAgent(name: string): void {
    if (this.checksAgents && !this.agents.has(name)) throw new AgentNotFoundError(name);
  }

  /** Validates and appends one event; throws before changing anything. Returns the stored event. */
  appendEvent(draft: EventDraft): AgentEvent {
    validateEvent(draft);
    const event: AgentEvent = {
      id: this.events.length + 1,
      ts: copyDate(draft.ts),
      component: draft.component,
      category: draft.category,
      resource: draft.resource,
      action: draft.action,
      outcome: draft.outcome,
      severity: draft.severity,
      agent: draft.agent,
      run: draft.run,
      attrs: { ...draft.attrs },
    };
    this.events.push(event);
    return event;
  }
}

function invalidEvent(message: string, details: Record<string, unknown> = {}): ValidationError {
  return new ValidationError('EVENT_INVALID', message, details);
}

function validateEvent(draft: EventDraft): void {
  for (const field of EVENT_FIELDS) {
    const value = draft[field];
    if (value.length === 0 || value.length > EVENT_LIMITS.fieldChars) {
      throw invalidEvent(`event ${field} must be 1 to ${EVENT_LIMITS.fieldChars} characters`, { field });
    }
  }
  if (!EVENT_OUTCOMES.includes(draft.outcome)) {
    throw invalidEvent(`event outcome must be one of ${EVENT_OUTCOMES.join(', ')}`, { field: 'outcome' });
  }
  if (!EVENT_SEVERITIES.includes(draft.severity)) {
    throw invalidEvent(`event severity must be one of ${EVENT_SEVERITIES.join(', ')}`, { field: 'severity' });
  }
  if (Number.isNaN(draft.ts.getTime())) {
    throw invalidEvent('event ts must be a valid date', { field: 'ts' });
  }
  const attrs = Object.entries(draft.attrs);
  if (attrs.length > EVENT_LIMITS.attrs) {
    throw invalidEvent(`an event has at most ${EVENT_LIMITS.attrs} attrs: got ${attrs.length}`, {
      field: 'attrs',
    });
  }
  for (const [key, value] of attrs) {
    if (value.length > EVENT_LIMITS.attrValueChars) {
      throw invalidEvent(
        `event attr "${key.slice(0, 80)}" is longer than ${EVENT_LIMITS.attrValueChars} characters`,
        {
          field: 'attrs',
          attr: key.slice(0, 80),
        },
      );
    }
  }
}
