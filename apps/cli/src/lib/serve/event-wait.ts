/**
 * A bounded wait on the event log, for fracta_watch_events: the events after a cursor if there
 * are any, else the first ones to arrive within the timeout, else nothing. The wait rides the
 * control plane's SSE stream (`watch`), so a new event is seen at once, and every request made
 * here ends by the deadline: nothing outlives the call.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { ControlPlaneClient, EventView } from '@fracta/api-contract';

export interface EventWait {
  readonly since: number;
  readonly agent?: string | undefined;
  readonly timeoutMs: number;
  readonly maxEvents: number;
}

export interface EventBatch {
  readonly events: EventView[];
  readonly next_since: number;
  readonly timed_out: boolean;
}

type EventSource = Pick<ControlPlaneClient, 'events' | 'watch'>;

/** Read through a call, so the loop below does not narrow `aborted` to its value at the start. */
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** Resolves true when `watch` delivered an event, false when `signal` ended the wait first. */
async function firstEvent(source: EventSource, wait: EventWait, signal: AbortSignal): Promise<boolean> {
  const query = { since: wait.since, ...(wait.agent === undefined ? {} : { agent: wait.agent }) };
  while (!aborted(signal)) {
    const stop = new AbortController();
    const events = source.watch(query, AbortSignal.any([signal, stop.signal]));
    try {
      if (!(await events.next()).done) return true;
    } catch (error) {
      if (!aborted(signal)) throw error;
    } finally {
      stop.abort();
      await events.return(undefined);
    }
    // The stream ended without an event (the control plane restarted?): look again shortly.
    await sleep(250, undefined, { signal }).catch(() => undefined);
  }
  return false;
}

export async function waitForEvents(
  source: EventSource,
  wait: EventWait,
  signal: AbortSignal,
): Promise<EventBatch> {
  const page = async (): Promise<EventBatch> => {
    const found = await source.events({
      since: wait.since,
      limit: wait.maxEvents,
      ...(wait.agent === undefined ? {} : { agent: wait.agent }),
    });
    return { events: found.events, next_since: found.next_since, timed_out: false };
  };
  const now = await page();
  if (now.events.length > 0 || wait.timeoutMs <= 0) return { ...now, timed_out: now.events.length === 0 };
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(wait.timeoutMs)]);
  if (!(await firstEvent(source, wait, deadline))) {
    return { events: [], next_since: wait.since, timed_out: true };
  }
  return page();
}
