import { describe, expect, it } from '@jest/globals';

import { MissionStaleError } from './errors.js';
import {
  assertCurrentAttempt,
  isMissionOpen,
  MISSION_STATUSES,
  type Mission,
  nextAttempt,
  OPEN_MISSION_STATUSES,
} from './mission.js';

function aMission(attempt: number): Mission {
  return {
    id: 'mission-0001',
    agent: 'worker-1',
    runKind: 'initial',
    attempt,
    prompt: 'fix the build',
    payload: { priority: 1 },
    createdAt: new Date('2026-03-01T00:00:00.000Z'),
  };
}

describe(assertCurrentAttempt.name, () => {
  it('should let the current attempt through', () => {
    expect(() => {
      assertCurrentAttempt('mission-0001', 3, 3);
    }).not.toThrow();
  });

  it('should fence off a stale attempt', () => {
    let caught: unknown;
    try {
      assertCurrentAttempt('mission-0001', 2, 3);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(MissionStaleError);
    expect(caught).toMatchObject({
      code: 'MISSION_STALE',
      category: 'conflict',
      details: { mission: 'mission-0001', attempt: 2, currentAttempt: 3 },
    });
    expect((caught as Error).message).toBe(
      'mission mission-0001 attempt 2 is stale (current attempt 3); its result is discarded',
    );
  });

  it('should refuse an attempt from the future too', () => {
    expect(() => {
      assertCurrentAttempt('mission-0001', 4, 3);
    }).toThrow(MissionStaleError);
  });
});

describe(nextAttempt.name, () => {
  it('should increment the attempt and keep everything else', () => {
    const mission = aMission(1);

    const next = nextAttempt(mission);

    expect(next).toEqual({ ...mission, attempt: 2 });
  });

  it('should not change the mission it is given', () => {
    const mission = aMission(1);

    nextAttempt(mission);

    expect(mission.attempt).toBe(1);
  });

  it('should make the previous attempt stale', () => {
    const first = aMission(1);
    const second = nextAttempt(first);

    expect(() => {
      assertCurrentAttempt(first.id, first.attempt, second.attempt);
    }).toThrow(MissionStaleError);
    expect(() => {
      assertCurrentAttempt(second.id, second.attempt, second.attempt);
    }).not.toThrow();
  });
});

describe(isMissionOpen.name, () => {
  it('should call pending and claimed open and every other status final', () => {
    expect(MISSION_STATUSES.filter(isMissionOpen)).toEqual([...OPEN_MISSION_STATUSES]);
    expect(MISSION_STATUSES.filter((status) => !isMissionOpen(status))).toEqual([
      'completed',
      'failed',
      'cancelled',
    ]);
  });
});
