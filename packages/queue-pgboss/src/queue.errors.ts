/**
 * Errors of the pg-boss mission queue. The three lease errors are what a handler finds as
 * `signal.reason` when its lease ends early; QueueUnavailableError is what enqueue/cancel/start
 * throw when Postgres cannot be reached (transient: the caller may retry).
 */
import { DomainError } from '@fracta/domain';

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

export class QueueUnavailableError extends DomainError {
  readonly code = 'QUEUE_UNAVAILABLE';
  readonly category = 'transient';
  constructor(action: string, target: string, cause: unknown) {
    const reason =
      typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
        ? cause.code
        : cause instanceof Error
          ? cause.message
          : String(cause);
    super(
      `mission queue unavailable (${action} on ${target}: ${reason}): check that Postgres is running and runtime.queue.url is right`,
      { action, reason },
      { cause },
    );
  }
}

/** The mission was cancelled (by `cancel()` in this or another process) while its handler ran. */
export class MissionCancelledError extends DomainError {
  readonly code = 'MISSION_CANCELLED';
  readonly category = 'conflict';
  constructor(missionId: string) {
    super(`mission ${missionId} was cancelled`, { mission: missionId });
  }
}

/**
 * This worker no longer holds the mission: its heartbeat found the claim gone (the lease expired
 * and another worker may run it now) or could not reach Postgres for a whole lease. Anything the
 * handler still writes is fenced off by the mission's attempt number.
 */
export class MissionLeaseLostError extends DomainError {
  readonly code = 'MISSION_LEASE_LOST';
  readonly category = 'conflict';
  constructor(missionId: string, why: string) {
    super(`lease on mission ${missionId} lost: ${why}`, { mission: missionId });
  }
}

/** `stop()` was called: the mission goes back to the queue for another worker. */
export class QueueStoppedError extends DomainError {
  readonly code = 'QUEUE_STOPPED';
  readonly category = 'transient';
  constructor(missionId: string) {
    super(`the queue stopped while mission ${missionId} ran; it is released for re-dispatch`, {
      mission: missionId,
    });
  }
}
