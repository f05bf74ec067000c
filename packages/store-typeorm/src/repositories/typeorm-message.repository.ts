import {
  checkLimit,
  MessageRepository,
  PAGE_MAX,
  validateMessageDraft,
  type Message,
  type MessageDraft,
} from '@fracta/domain';
import type { EntityManager } from 'typeorm';

import type { Db } from '../db.js';
import { toMessage } from '../mappers.js';
import type { MessageRow } from '../rows.js';

export class TypeormMessageRepository extends MessageRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async send(draft: MessageDraft): Promise<Message> {
    validateMessageDraft(draft);
    return await this.db.write(async (manager) => {
      await this.db.sequenced(manager, 'messages');
      const row: Omit<MessageRow, 'id'> = {
        from_name: draft.from,
        to_name: draft.to,
        body: draft.body,
        created_at: draft.createdAt,
      };
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(this.db.schemas.messages)
        .values(row)
        .execute();
      const id = Number((result.identifiers[0] as { id: unknown } | undefined)?.id);
      return toMessage({ ...row, id }, await this.#cursor(manager, draft.to));
    });
  }

  async readUnread(recipient: string, limit: number): Promise<Message[]> {
    checkLimit(limit, PAGE_MAX);
    return await this.db.write(async (manager) => {
      // Lock the recipient's cursor row (created on first read) so concurrent readers of one
      // mailbox take turns and each message is handed out once.
      await manager
        .createQueryBuilder()
        .insert()
        .into(this.db.schemas.messageCursors)
        .values({ recipient, last_read_id: 0 })
        .orIgnore()
        .execute();
      const qb = manager
        .createQueryBuilder(this.db.schemas.messageCursors, 'c')
        .where('c.recipient = :recipient', { recipient });
      if (this.db.dialect === 'postgres') qb.setLock('pessimistic_write');
      const cursor = (await qb.getOneOrFail()).last_read_id;
      const rows = await this.#after(manager, recipient, cursor, limit);
      const last = rows.at(-1);
      if (last) {
        await manager
          .createQueryBuilder()
          .update(this.db.schemas.messageCursors)
          .set({ last_read_id: last.id })
          .where('recipient = :recipient', { recipient })
          .execute();
      }
      return rows.map((row) => toMessage(row, last?.id ?? cursor));
    });
  }

  async list(recipient: string, query: { after?: number; limit: number }): Promise<Message[]> {
    const limit = checkLimit(query.limit, PAGE_MAX);
    return await this.db.read(async (manager) => {
      const cursor = await this.#cursor(manager, recipient);
      const rows = await this.#after(manager, recipient, query.after ?? 0, limit);
      return rows.map((row) => toMessage(row, cursor));
    });
  }

  unreadCount(recipient: string): Promise<number> {
    return this.db.read(async (manager) => {
      const cursor = await this.#cursor(manager, recipient);
      return manager
        .createQueryBuilder(this.db.schemas.messages, 'm')
        .where('m.to_name = :recipient AND m.id > :cursor', { recipient, cursor })
        .getCount();
    });
  }

  #after(manager: EntityManager, recipient: string, after: number, limit: number): Promise<MessageRow[]> {
    return manager
      .createQueryBuilder(this.db.schemas.messages, 'm')
      .where('m.to_name = :recipient AND m.id > :after', { recipient, after })
      .orderBy('m.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async #cursor(manager: EntityManager, recipient: string): Promise<number> {
    const row = await manager
      .createQueryBuilder(this.db.schemas.messageCursors, 'c')
      .where('c.recipient = :recipient', { recipient })
      .getOne();
    return row?.last_read_id ?? 0;
  }
}
