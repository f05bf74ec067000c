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

/** A mission as the state store keeps it: the queue payload plus where it is in its life. */
export interface MissionRecord extends Mission {
  readonly status: MissionStatus;
  /** When the status or attempt last changed (the creation time until then). */
  readonly updatedAt: Date;
}

/** What a caller provides to create a mission. attempt starts at 0 (never claimed); each claim increments it. */
export type MissionDraft = Omit<Mission, 'attempt'>;

/** The statuses a worker may still claim, finish or cancel; the others are final. */
export const OPEN_MISSION_STATUSES = ['pending', 'claimed'] as const satisfies readonly MissionStatus[];

/** How a claimed mission ends (cancellation is its own write). */
export const MISSION_RESULTS = ['completed', 'failed'] as const satisfies readonly MissionStatus[];
export type MissionResult = (typeof MISSION_RESULTS)[number];

export function isMissionOpen(status: MissionStatus): boolean {
  return (OPEN_MISSION_STATUSES as readonly MissionStatus[]).includes(status);
}

/** Bounds that keep mission rows small; byte sizes are of the UTF-8 encoding. */
export const MISSION_LIMITS = {
  idChars: 256,
  promptBytes: 256 * 1024,
  /** Of the payload serialized as JSON. */
  payloadBytes: 256 * 1024,
  /** Nesting of objects and arrays in the payload (the payload object itself is depth 1). */
  payloadDepth: 32,
} as const;

export function nextAttempt(mission: Mission): Mission {
  return { ...mission, attempt: mission.attempt + 1 };
}

/** Throws unless `attempt` is the mission's current attempt. */
export function assertCurrentAttempt(missionId: string, attempt: number, currentAttempt: number): void {
  if (attempt !== currentAttempt) throw new MissionStaleError(missionId, attempt, currentAttempt);
}
