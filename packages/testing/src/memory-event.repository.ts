import {
  checkLimit,
  type AgentEvent,
  type EventDraft,
  type EventQuery,
  EVENT_LIMITS,
  EventRepository,
} from '@fracta/domain';

import { MemoryStoreState } from './memory-store-state.js';
import { copyEvent, settle } from './memory-support.js';

/** EventRepository in memory: ids 1, 2, 3, … in append order; drafts validated like a store would. */
export class MemoryEventRepository extends EventRepository {
  private readonly state: MemoryStoreState;

  constructor(state: MemoryStoreState = new MemoryStoreState()) {
    super();
    this.state = state;
  }

  override append(draft: EventDraft): Promise<AgentEvent> {
    return settle(() => copyEvent(this.state.appendEvent(draft)));
  }

  override list(query: EventQuery): Promise<AgentEvent[]> {
    return settle(() => {
      checkLimit(query.limit, EVENT_LIMITS.pageMax);
      const after = query.after ?? 0;
      return this.state.events
        .filter((event) => event.id > after && (query.agent === undefined || event.agent === query.agent))
        .slice(0, query.limit)
        .map(copyEvent);
    });
  }

  override latestId(): Promise<number> {
    return settle(() => this.state.events.at(-1)?.id ?? 0);
  }
}
