import type { EventsPage, EventView } from '@fracta/api-contract';
import { describe, expect, it } from '@jest/globals';

import { waitForEvents } from './event-wait.js';

function event(id: number): EventView {
  return {
    id,
    ts: new Date(0).toISOString(),
    component: 'lifecycle',
    category: 'agent',
    resource: 'agent/a',
    action: 'agent.started',
    outcome: 'success',
    severity: 'info',
    agent: 'a',
    run: null,
    attrs: {},
  };
}

/**
 * An event log in memory with the control plane's cursor semantics: `events` returns ids after
 * `since`; `watch` yields each event appended after it was opened (or already there), until aborted.
 */
class MemoryEventLog {
  readonly log: EventView[] = [];
  readonly #listeners = new Set<() => void>();
  watches = 0;

  append(id: number): void {
    this.log.push(event(id));
    for (const listener of this.#listeners) listener();
  }

  events(query: Record<string, unknown> = {}): Promise<EventsPage> {
    const since = Number(query.since ?? 0);
    const found = this.log.filter((e) => e.id > since).slice(0, Number(query.limit ?? 100));
    return Promise.resolve({ events: found, next_since: found.at(-1)?.id ?? since });
  }

  async *watch(query: { since?: number }, signal: AbortSignal): AsyncGenerator<EventView> {
    this.watches += 1;
    let cursor = query.since ?? 0;
    while (!signal.aborted) {
      const next = this.log.find((e) => e.id > cursor);
      if (next) {
        cursor = next.id;
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#listeners.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.#listeners.add(wake);
        signal.addEventListener('abort', wake);
      });
    }
  }
}

const never = new AbortController().signal;

describe(waitForEvents.name, () => {
  it('should return what is already after the cursor at once, at most maxEvents', async () => {
    const log = new MemoryEventLog();
    for (const id of [1, 2, 3]) log.append(id);

    const batch = await waitForEvents(log, { since: 1, timeoutMs: 10_000, maxEvents: 1 }, never);

    expect(batch).toEqual({ events: [event(2)], next_since: 2, timed_out: false });
    expect(log.watches).toBe(0);
  });

  it('should wait for the first new event, then return the page after the cursor', async () => {
    const log = new MemoryEventLog();
    log.append(1);
    setTimeout(() => {
      log.append(2);
      log.append(3);
    }, 50);

    const started = Date.now();
    const batch = await waitForEvents(log, { since: 1, timeoutMs: 10_000, maxEvents: 10 }, never);

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(batch.events.map((e) => e.id)).toEqual([2, 3]);
    expect(batch).toMatchObject({ next_since: 3, timed_out: false });
  });

  it('should give up at the timeout with the cursor unchanged, and not wait at all for 0', async () => {
    const log = new MemoryEventLog();
    log.append(1);

    const started = Date.now();
    const quiet = await waitForEvents(log, { since: 1, timeoutMs: 300, maxEvents: 10 }, never);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(quiet).toEqual({ events: [], next_since: 1, timed_out: true });

    const poll = await waitForEvents(log, { since: 1, timeoutMs: 0, maxEvents: 10 }, never);
    expect(poll).toEqual({ events: [], next_since: 1, timed_out: true });
  });

  it('should stop waiting when the caller aborts (the host cancelled the call)', async () => {
    const log = new MemoryEventLog();
    const cancel = new AbortController();
    setTimeout(() => {
      cancel.abort();
    }, 50);

    const started = Date.now();
    const batch = await waitForEvents(log, { since: 0, timeoutMs: 10_000, maxEvents: 10 }, cancel.signal);

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(batch.timed_out).toBe(true);
  });

  it('should reopen the stream when it ends without an event, within the same deadline', async () => {
    const log = new MemoryEventLog();
    let opened = 0;
    const flaky = {
      events: (query?: Record<string, unknown>) => log.events(query),
      // The first stream ends at once (a control plane restart); the second one delivers.
      watch: (query: { since?: number }, signal: AbortSignal) => {
        opened += 1;
        return opened === 1
          ? (async function* (): AsyncGenerator<EventView> {
              // Ends at once, without an event.
              await Promise.resolve();
              yield* [];
            })()
          : log.watch(query, signal);
      },
    };
    setTimeout(() => {
      log.append(1);
    }, 400);

    const batch = await waitForEvents(flaky, { since: 0, timeoutMs: 5_000, maxEvents: 10 }, never);

    expect(opened).toBe(2);
    expect(batch.events.map((e) => e.id)).toEqual([1]);
  });

  it('should pass a failure of the control plane on', async () => {
    const log = new MemoryEventLog();
    const failing = {
      events: (query?: Record<string, unknown>) => log.events(query),
      watch: () =>
        (async function* (): AsyncGenerator<EventView> {
          await Promise.resolve();
          yield* [];
          throw new Error('control plane not reachable');
        })(),
    };

    await expect(
      waitForEvents(failing, { since: 0, timeoutMs: 5_000, maxEvents: 10 }, never),
    ).rejects.toThrow('control plane not reachable');
  });
});
