import {
  checkLimit,
  validateMessageDraft,
  type Message,
  type MessageDraft,
  MessageRepository,
  PAGE_MAX,
} from '@fracta/domain';

import { MemoryStoreState, type StoredMessage } from './memory-store-state.js';
import { copyDate, settle } from './memory-support.js';

/** MessageRepository in memory: ids 1, 2, …; a read cursor per recipient decides the read flag. */
export class MemoryMessageRepository extends MessageRepository {
  private readonly state: MemoryStoreState;

  constructor(state: MemoryStoreState = new MemoryStoreState()) {
    super();
    this.state = state;
  }

  override send(draft: MessageDraft): Promise<Message> {
    return settle(() => {
      validateMessageDraft(draft);
      const message: StoredMessage = {
        id: this.state.nextMessageId(),
        from: draft.from,
        to: draft.to,
        body: draft.body,
        createdAt: copyDate(draft.createdAt),
      };
      this.state.messages.push(message);
      return this.present(message);
    });
  }

  override readUnread(recipient: string, limit: number): Promise<Message[]> {
    return settle(() => {
      checkLimit(limit, PAGE_MAX);
      const unread = this.unread(recipient).slice(0, limit);
      const last = unread.at(-1);
      if (last) this.state.readCursors.set(recipient, last.id);
      return unread.map((message) => this.present(message));
    });
  }

  override list(recipient: string, query: { after?: number; limit: number }): Promise<Message[]> {
    return settle(() => {
      checkLimit(query.limit, PAGE_MAX);
      const after = query.after ?? 0;
      return this.state.messages
        .filter((message) => message.to === recipient && message.id > after)
        .slice(0, query.limit)
        .map((message) => this.present(message));
    });
  }

  override unreadCount(recipient: string): Promise<number> {
    return settle(() => this.unread(recipient).length);
  }

  private cursor(recipient: string): number {
    return this.state.readCursors.get(recipient) ?? 0;
  }

  private unread(recipient: string): StoredMessage[] {
    const cursor = this.cursor(recipient);
    return this.state.messages.filter((message) => message.to === recipient && message.id > cursor);
  }

  private present(message: StoredMessage): Message {
    return {
      ...message,
      createdAt: copyDate(message.createdAt),
      read: message.id <= this.cursor(message.to),
    };
  }
}
