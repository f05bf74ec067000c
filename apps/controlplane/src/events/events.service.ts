import type { EventsPage, EventsQuery } from '@fracta/api-contract';
import { toEventView } from '@fracta/api-contract';
import { EventRepository, type AgentEvent } from '@fracta/domain';
import { Injectable } from '@nestjs/common';

import { EventNotifier } from './event-notifier.js';

/** How long a watcher sleeps when nothing wakes it (covers writers in other processes). */
const WATCH_POLL_MS = 500;

@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventRepository,
    private readonly notifier: EventNotifier,
  ) {}

  async list(query: EventsQuery): Promise<EventsPage> {
    const events = await this.events.list({
      after: query.since,
      limit: query.limit,
      ...(query.agent === undefined ? {} : { agent: query.agent }),
    });
    return { events: events.map(toEventView), next_since: events.at(-1)?.id ?? query.since };
  }

  latestId(): Promise<number> {
    return this.events.latestId();
  }

  /** Every event after `since` (replay), then live ones as they are written, until `signal` aborts. */
  async *watch(
    since: number,
    agent: string | undefined,
    signal: AbortSignal,
    component?: string,
  ): AsyncGenerator<AgentEvent> {
    let cursor = since;
    while (!signal.aborted) {
      const batch = await this.events.list({
        after: cursor,
        limit: 500,
        ...(agent === undefined ? {} : { agent }),
      });
      for (const event of batch) {
        cursor = event.id;
        if (component === undefined || event.component === component) yield event;
      }
      if (batch.length < 500) await this.notifier.wait(WATCH_POLL_MS, signal);
    }
  }
}
