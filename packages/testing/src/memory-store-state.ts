import {
  InvariantViolationError,
  RunNotFoundError,
  RunNotRunningError,
  validateCredentialDraft,
  validateEventDraft,
  type Agent,
  type AgentEvent,
  AgentNotFoundError,
  type EventDraft,
  type GatewayCredential,
  type MissionRecord,
  type Run,
} from '@fracta/domain';

import { copyDate } from './memory-support.js';

export interface StoredAgent {
  /** Creation order: the keyset of `list`. */
  readonly seq: number;
  agent: Agent;
}

export interface StoredMission {
  /** Creation order: the order of `listOpen`. */
  readonly seq: number;
  mission: MissionRecord;
}

export interface StoredMessage {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly createdAt: Date;
}

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
  readonly missions = new Map<string, StoredMission>();
  /**
   * Whether a run or a mission must belong to an existing agent (a foreign key; credentials have
   * none). On in stores from `createMemoryStore`; off for a repository built on its own.
   */
  readonly checksAgents: boolean;
  private lastAgentSeq = 0;
  private lastMessageId = 0;
  private lastMissionSeq = 0;

  constructor(options: { checksAgents?: boolean } = {}) {
    this.checksAgents = options.checksAgents ?? false;
  }

  nextAgentSeq(): number {
    this.lastAgentSeq += 1;
    return this.lastAgentSeq;
  }

  nextMissionSeq(): number {
    this.lastMissionSeq += 1;
    return this.lastMissionSeq;
  }

  nextMessageId(): number {
    this.lastMessageId += 1;
    return this.lastMessageId;
  }

  /** AgentNotFoundError when this store checks agents and `name` is not one. */
  requireAgent(name: string): void {
    if (this.checksAgents && !this.agents.has(name)) throw new AgentNotFoundError(name);
  }

  /**
   * Checks a credential to issue (CREDENTIAL_INVALID; a taken id or token hash is an invariant
   * violation) and returns what `storeCredential` keeps; changes nothing.
   */
  checkCredential(credential: Omit<GatewayCredential, 'revokedAt'>): GatewayCredential {
    validateCredentialDraft(credential);
    if (this.credentials.has(credential.id)) {
      throw new InvariantViolationError(`credential id "${credential.id}" is already taken`);
    }
    if (this.credentialByHash(credential.tokenHash)) {
      throw new InvariantViolationError('a credential with the same token hash already exists');
    }
    return {
      id: credential.id,
      agent: credential.agent,
      tokenHash: credential.tokenHash,
      createdAt: copyDate(credential.createdAt),
      expiresAt: copyDate(credential.expiresAt),
      revokedAt: null,
    };
  }

  /**
   * The running run `id` (of `agent`, when given) with `handle` recorded, not yet stored:
   * RunNotFoundError or RunNotRunningError otherwise. Changes nothing.
   */
  runWithHandle(id: string, handle: string, agent?: string): Run {
    const run = this.runs.get(id);
    if (run === undefined || (agent !== undefined && run.agent !== agent)) throw new RunNotFoundError(id);
    if (run.status !== 'running') throw new RunNotRunningError(id, run.status);
    return { ...run, handle };
  }

  credentialByHash(tokenHash: string): GatewayCredential | undefined {
    for (const credential of this.credentials.values()) {
      if (credential.tokenHash === tokenHash) return credential;
    }
    return undefined;
  }

  /** Validates and appends one event; throws before changing anything. Returns the stored event. */
  appendEvent(draft: EventDraft): AgentEvent {
    validateEventDraft(draft);
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
