import { MissionStaleError } from './errors.js';
import type { RunKind } from './run.js';

export const MISSION_STATUSES = ['pending', 'claimed', 'completed', 'failed', 'cancelled'] as const;
export type MissionStatus = (typeof MISSION_STATUSES)[number];

/**
 * The queue payload that dispatches one run. `attempt` is a fencing token: each (re)dispatch
 * increments it, and a worker holding an older attempt can never write a result.
 */
export interface Mission {
  readonly id: string;
  readonly agent: string;
  readonly runKind: RunKind;
  readonly attempt: number;
  readonly prompt: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

export function nextAttempt(mission: Mission): Mission {
  return { ...mission, attempt: mission.attempt + 1 };
}

/** Throws unless `attempt` is the mission's current attempt. */
export function assertCurrentAttempt(missionId: string, attempt: number, currentAttempt: number): void {
  if (attempt !== currentAttempt) throw new MissionStaleError(missionId, attempt, currentAttempt);
}
