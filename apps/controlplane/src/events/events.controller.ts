import {
  eventsQuerySchema,
  toEventView,
  watchQuerySchema,
  type EventsPage,
  type EventsQuery,
  type WatchQuery,
} from '@fracta/api-contract';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ZodPipe } from '../http/zod.pipe.js';

import { EventsService } from './events.service.js';

const HEARTBEAT_MS = 15_000;

@Controller('api/v1')
export class EventsController {
  constructor(private readonly service: EventsService) {}

  @Get('events')
  list(@Query(new ZodPipe(eventsQuerySchema, 'events query')) query: EventsQuery): Promise<EventsPage> {
    return this.service.list(query);
  }

  /**
   * Server-sent events: replays from `Last-Event-ID` (or `since`), then streams live events;
   * without either it starts at the newest event. A comment line every 15 s keeps proxies open.
   */
  @Get('watch')
  async watch(
    @Query(new ZodPipe(watchQuerySchema, 'watch query')) query: WatchQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const header = request.headers['last-event-id'];
    const lastEventId = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
    const since = lastEventId ?? query.since ?? (await this.service.latestId());
    const abort = new AbortController();
    request.raw.once('close', () => {
      abort.abort();
    });
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    out.write(`retry: 2000\n: watching from event ${since}\n\n`);
    const heartbeat = setInterval(() => out.write(': heartbeat\n\n'), HEARTBEAT_MS);
    try {
      for await (const event of this.service.watch(since, query.agent, abort.signal, query.component)) {
        out.write(`id: ${event.id}\nevent: ${event.action}\ndata: ${JSON.stringify(toEventView(event))}\n\n`);
      }
    } finally {
      clearInterval(heartbeat);
      out.end();
    }
  }
}
