import {
  checkLimit,
  EVENT_LIMITS,
  EventRepository,
  validateEventDraft,
  type AgentEvent,
  type EventDraft,
  type EventQuery,
} from '@fracta/domain';
import type { EntityManager } from 'typeorm';

import type { Db } from '../db.js';
import { toEvent } from '../mappers.js';
import type { EventRow } from '../rows.js';

/** Appends inside the caller's transaction (the lifecycle writes use this to stay atomic). */
export async function appendEvent(db: Db, manager: EntityManager, draft: EventDraft): Promise<AgentEvent> {
  validateEventDraft(draft);
  await db.sequenced(manager, 'events');
  const row: Omit<EventRow, 'id'> = {
    ts: draft.ts,
    component: draft.component,
    category: draft.category,
    resource: draft.resource,
    action: draft.action,
    outcome: draft.outcome,
    severity: draft.severity,
    agent: draft.agent,
    run: draft.run,
    attrs_json: JSON.stringify(draft.attrs),
  };
  const result = await manager.createQueryBuilder().insert().into(db.schemas.events).values(row).execute();
  const id = Number((result.identifiers[0] as { id: unknown } | undefined)?.id);
  return toEvent({ ...row, id });
}

export class TypeormEventRepository extends EventRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async append(draft: EventDraft): Promise<AgentEvent> {
    validateEventDraft(draft);
    return await this.db.write((manager) => appendEvent(this.db, manager, draft));
  }

  async list(query: EventQuery): Promise<AgentEvent[]> {
    const limit = checkLimit(query.limit, EVENT_LIMITS.pageMax);
    return await this.db.read(async (manager) => {
      const qb = manager
        .createQueryBuilder(this.db.schemas.events, 'e')
        .where('e.id > :after', { after: query.after ?? 0 })
        .orderBy('e.id', 'ASC')
        .limit(limit);
      if (query.agent !== undefined) qb.andWhere('e.agent = :agent', { agent: query.agent });
      const rows = await qb.getMany();
      return rows.map(toEvent);
    });
  }

  latestId(): Promise<number> {
    return this.db.read(async (manager) => {
      const row = await manager
        .createQueryBuilder(this.db.schemas.events, 'e')
        .select('MAX(e.id)', 'max')
        .getRawOne<{ max: string | number | null }>();
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max);
    });
  }
}
