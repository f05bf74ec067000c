/**
 * Follows the control plane's event stream (`GET /api/v1/watch`) to drop cached identities the
 * moment an agent's lifecycle moves (ended, stopped, resumed with a new token). While the stream is
 * not followed, the identity cache keeps nothing. Reconnects with capped exponential backoff.
 */
import type { ControlPlaneClient, EventView } from '@fracta/api-contract';
import { toError } from '@fracta/domain';
import type { Logger } from '@fracta/logger';

import type { Backoff } from '../backends/backoff.js';

import type { IdentityCache } from './identity-cache.js';

export type EventSource = Pick<ControlPlaneClient, 'watch' | 'health'>;

/** Events after which an agent's cached tokens must be checked again. */
function affectsIdentity(event: EventView): boolean {
  return event.agent !== null && (event.component === 'lifecycle' || event.resource.startsWith('credential'));
}

export class EventWatcher {
  #abort: AbortController | null = null;
  #running: Promise<void> | null = null;
  #connected = false;
  #failures = 0;

  constructor(
    private readonly source: EventSource,
    private readonly identities: IdentityCache,
    private readonly backoff: Backoff,
    private readonly logger: Logger,
    /** The stream counts as followed once it stayed open this long (or delivered an event). */
    private readonly settleMs = 200,
  ) {}

  /** Whether the event stream is being followed (shown in /readyz). */
  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    if (this.#running !== null) return;
    this.#abort = new AbortController();
    this.#running = this.#loop(this.#abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#running;
    this.#running = null;
    this.#abort = null;
  }

  async #loop(stopped: AbortSignal): Promise<void> {
    const isStopped = () => stopped.aborted;
    while (!isStopped()) {
      const attempt = new AbortController();
      const onStop = () => {
        attempt.abort();
      };
      stopped.addEventListener('abort', onStop, { once: true });
      // The watch request is on its way; once it has stayed open a moment and the control plane
      // answers, lifecycle events reach us before any kill returns.
      const settle = setTimeout(() => {
        void this.source
          .health()
          .then(() => {
            if (!attempt.signal.aborted) this.#trust();
          })
          .catch(() => undefined);
      }, this.settleMs);
      try {
        // Only lifecycle events: the tool-call records this gateway writes would come back otherwise.
        for await (const event of this.source.watch({ component: 'lifecycle' }, attempt.signal)) {
          this.#trust();
          if (affectsIdentity(event) && event.agent !== null) this.identities.invalidateAgent(event.agent);
        }
        if (!isStopped()) this.logger.warn('control plane event stream ended; reconnecting');
      } catch (error) {
        if (!isStopped()) {
          // Once per outage at warn, then quietly until the stream is back.
          const fields = { reason: toError(error).message, attempt: this.#failures };
          if (this.#failures === 0) this.logger.warn('control plane event stream failed', fields);
          else this.logger.debug('control plane event stream still failing', fields);
        }
      } finally {
        clearTimeout(settle);
        attempt.abort();
        stopped.removeEventListener('abort', onStop);
        this.#connected = false;
        this.identities.setTrusted(false);
      }
      if (isStopped()) return;
      const delay = this.backoff.delay(this.#failures);
      this.#failures += 1;
      await sleep(delay, stopped);
    }
  }

  #trust(): void {
    if (this.#connected) return;
    this.#connected = true;
    this.#failures = 0;
    this.identities.setTrusted(true);
    this.logger.debug('control plane event stream followed');
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
