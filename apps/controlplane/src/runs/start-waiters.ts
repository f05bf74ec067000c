import type { Agent } from '@fracta/domain';

/**
 * Lets a spawn or say request wait (briefly) for its mission to start: the executor reports the
 * run's start (or its failure to start); the request gives up waiting after a timeout and answers
 * with the agent as it is then (still queued behind the concurrency cap).
 */
export type StartReport =
  | { readonly started: true; readonly run: string; readonly agent: Agent }
  | { readonly started: false; readonly error: Error };

export class StartWaiters {
  readonly #waiters = new Map<string, Set<(report: StartReport) => void>>();

  /** Resolves with the report, or null after `timeoutMs`. */
  wait(missionId: string, timeoutMs: number): Promise<StartReport | null> {
    return new Promise((resolve) => {
      const set = this.#waiters.get(missionId) ?? new Set();
      this.#waiters.set(missionId, set);
      const done = (report: StartReport | null) => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.#waiters.delete(missionId);
        resolve(report);
      };
      // A wait does not keep the process alive (a spawn may listen for a start that never comes).
      const timer = setTimeout(() => {
        done(null);
      }, timeoutMs).unref();
      set.add(done);
    });
  }

  report(missionId: string, report: StartReport): void {
    for (const done of [...(this.#waiters.get(missionId) ?? [])]) done(report);
  }
}
