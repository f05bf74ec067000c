import {
  checkLimit,
  checkMissionAttempt,
  checkMissionResult,
  checkMissionTime,
  InvariantViolationError,
  isMissionOpen,
  type MissionDraft,
  MissionNotFoundError,
  type MissionRecord,
  MissionRepository,
  type MissionResult,
  type MissionStatus,
  newMissionRecord,
  PAGE_MAX,
} from '@fracta/domain';

import { MemoryStoreState, type StoredMission } from './memory-store-state.js';
import { copyDate, copyMission, settle } from './memory-support.js';

/**
 * MissionRepository in memory: the same compare-and-set writes as the SQL stores (each one
 * synchronous, so racing callers get exactly one winner), creation-ordered listings.
 */
export class MemoryMissionRepository extends MissionRepository {
  private readonly state: MemoryStoreState;

  constructor(state: MemoryStoreState = new MemoryStoreState()) {
    super();
    this.state = state;
  }

  override create(draft: MissionDraft): Promise<MissionRecord> {
    return settle(() => {
      const mission = newMissionRecord(draft);
      this.state.requireAgent(mission.agent);
      if (this.state.missions.has(mission.id)) {
        throw new InvariantViolationError(`mission id "${mission.id}" is already taken`);
      }
      this.state.missions.set(mission.id, { seq: this.state.nextMissionSeq(), mission });
      return copyMission(mission);
    });
  }

  override get(id: string): Promise<MissionRecord> {
    return settle(() => {
      const stored = this.state.missions.get(id);
      if (!stored) throw new MissionNotFoundError(id);
      return copyMission(stored.mission);
    });
  }

  override claim(id: string, expectedAttempt: number, at: Date): Promise<MissionRecord | null> {
    return settle(() => {
      checkMissionAttempt(expectedAttempt);
      checkMissionTime(at);
      const stored = this.state.missions.get(id);
      if (!stored || !isMissionOpen(stored.mission.status) || stored.mission.attempt !== expectedAttempt) {
        return null;
      }
      return copyMission(this.write(stored, 'claimed', at, expectedAttempt + 1));
    });
  }

  override finish(id: string, attempt: number, status: MissionResult, at: Date): Promise<boolean> {
    return settle(() => {
      checkMissionAttempt(attempt);
      checkMissionResult(status);
      checkMissionTime(at);
      const stored = this.state.missions.get(id);
      if (stored?.mission.status !== 'claimed' || stored.mission.attempt !== attempt) return false;
      this.write(stored, status, at);
      return true;
    });
  }

  override cancel(id: string, at: Date): Promise<boolean> {
    return settle(() => {
      checkMissionTime(at);
      const stored = this.state.missions.get(id);
      if (!stored || !isMissionOpen(stored.mission.status)) return false;
      this.write(stored, 'cancelled', at);
      return true;
    });
  }

  override listOpen(limit: number): Promise<MissionRecord[]> {
    return settle(() => {
      checkLimit(limit, PAGE_MAX);
      return this.open()
        .slice(0, limit)
        .map((stored) => copyMission(stored.mission));
    });
  }

  override listOpenForAgent(agent: string): Promise<MissionRecord[]> {
    return settle(() =>
      this.open()
        .filter((stored) => stored.mission.agent === agent)
        .map((stored) => copyMission(stored.mission)),
    );
  }

  private write(stored: StoredMission, status: MissionStatus, at: Date, attempt?: number): MissionRecord {
    stored.mission = {
      ...stored.mission,
      status,
      attempt: attempt ?? stored.mission.attempt,
      updatedAt: copyDate(at),
    };
    return stored.mission;
  }

  private open(): StoredMission[] {
    return [...this.state.missions.values()]
      .filter((stored) => isMissionOpen(stored.mission.status))
      .sort((a, b) => a.seq - b.seq);
  }
}
