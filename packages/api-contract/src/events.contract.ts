import { EVENT_LIMITS, EVENT_OUTCOMES, EVENT_SEVERITIES, type AgentEvent } from '@fracta/domain';
import { z } from 'zod';

import { agentNameSchema } from './agents.contract.js';

export const eventViewSchema = z.strictObject({
  id: z.number().int().positive(),
  ts: z.iso.datetime(),
  component: z.string(),
  category: z.string(),
  resource: z.string(),
  action: z.string(),
  outcome: z.enum(EVENT_OUTCOMES),
  severity: z.enum(EVENT_SEVERITIES),
  agent: z.string().nullable(),
  run: z.string().nullable(),
  attrs: z.record(z.string(), z.string()),
});
export type EventView = z.infer<typeof eventViewSchema>;

export function toEventView(event: AgentEvent): EventView {
  return {
    id: event.id,
    ts: event.ts.toISOString(),
    component: event.component,
    category: event.category,
    resource: event.resource,
    action: event.action,
    outcome: event.outcome,
    severity: event.severity,
    agent: event.agent,
    run: event.run,
    attrs: { ...event.attrs },
  };
}

const cursorSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** GET /events and GET /watch. `since` is the last id the caller has seen. */
export const eventsQuerySchema = z.strictObject({
  since: cursorSchema.default(0),
  agent: agentNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(EVENT_LIMITS.pageMax).default(100),
});
export type EventsQuery = z.infer<typeof eventsQuerySchema>;

export const eventsPageSchema = z.strictObject({
  events: z.array(eventViewSchema),
  /** Pass as `since` to continue; equals the request's `since` when there was nothing new. */
  next_since: z.number().int().min(0),
});
export type EventsPage = z.infer<typeof eventsPageSchema>;

export const watchQuerySchema = z.strictObject({
  since: cursorSchema.optional(),
  agent: agentNameSchema.optional(),
  /** Only events of this component (e.g. `lifecycle`: the agents' state transitions). */
  component: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a component name: lower-case letters, digits, "_" or "-"')
    .optional(),
});
export type WatchQuery = z.infer<typeof watchQuerySchema>;
