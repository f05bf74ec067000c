import {
  AgentNotFoundError,
  checkLimit,
  checkMissionAttempt,
  checkMissionResult,
  checkMissionTime,
  InvariantViolationError,
  MissionNotFoundError,
  MissionRepository,
  newMissionRecord,
  OPEN_MISSION_STATUSES,
  PAGE_MAX,
  type MissionDraft,
  type MissionRecord,
  type MissionResult,
} from '@fracta/domain';
import type { EntityManager } from 'typeorm';

import { isUniqueViolation, type Db } from '../db.js';
import { toMission, toMissionRow } from '../mappers.js';
import type { MissionRow } from '../rows.js';

/**
 * Missions on SQL. claim, finish and cancel are each one conditional UPDATE whose WHERE holds the
 * whole precondition (id, attempt, status): SQLite runs writers one at a time, and on Postgres a
 * second writer waits for the first's row lock and then re-checks the WHERE against the committed
 * row, so of several racing writers exactly one matches.
 */
export class TypeormMissionRepository extends MissionRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async create(draft: MissionDraft): Promise<MissionRecord> {
    const mission = newMissionRecord(draft);
    return await this.db.write(async (manager) => {
      // A share lock on the agent: missions of one agent can be created together, but not while
      // the agent is being deleted (delete takes the row for update), so none is left behind.
      const agentQuery = manager
        .createQueryBuilder(this.db.schemas.agents, 'a')
        .where('a.name = :name', { name: mission.agent });
      if (this.db.dialect === 'postgres') agentQuery.setLock('pessimistic_read');
      if (!(await agentQuery.getOne())) throw new AgentNotFoundError(mission.agent);
      try {
        await manager
          .createQueryBuilder()
          .insert()
          .into(this.db.schemas.missions)
          .values(toMissionRow(mission))
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new InvariantViolationError(
            `mission id ${mission.id} is already taken`,
            {},
            { cause: error },
          );
        }
        throw error;
      }
      return mission;
    });
  }

  get(id: string): Promise<MissionRecord> {
    return this.db.read(async (manager) => {
      const row = await this.#findRow(manager, id);
      if (!row) throw new MissionNotFoundError(id);
      return toMission(row);
    });
  }

  async claim(id: string, expectedAttempt: number, at: Date): Promise<MissionRecord | null> {
    checkMissionAttempt(expectedAttempt);
    checkMissionTime(at);
    return await this.db.write(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(this.db.schemas.missions)
        .set({ status: 'claimed', attempt: expectedAttempt + 1, updated_at: at })
        .where('id = :id AND attempt = :expectedAttempt AND status IN (:...open)', {
          id,
          expectedAttempt,
          open: OPEN_MISSION_STATUSES,
        })
        .execute();
      if (result.affected !== 1) return null;
      // Same transaction: the row is this writer's until commit.
      const row = await this.#findRow(manager, id);
      return row ? toMission(row) : null;
    });
  }

  async finish(id: string, attempt: number, status: MissionResult, at: Date): Promise<boolean> {
    checkMissionAttempt(attempt);
    checkMissionResult(status);
    checkMissionTime(at);
    return await this.db.write(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(this.db.schemas.missions)
        .set({ status, updated_at: at })
        .where("id = :id AND attempt = :attempt AND status = 'claimed'", { id, attempt })
        .execute();
      return result.affected === 1;
    });
  }

  async cancel(id: string, at: Date): Promise<boolean> {
    checkMissionTime(at);
    return await this.db.write(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(this.db.schemas.missions)
        .set({ status: 'cancelled', updated_at: at })
        .where('id = :id AND status IN (:...open)', { id, open: OPEN_MISSION_STATUSES })
        .execute();
      return result.affected === 1;
    });
  }

  async listOpen(limit: number): Promise<MissionRecord[]> {
    checkLimit(limit, PAGE_MAX);
    return await this.db.read(async (manager) => {
      const rows = await manager
        .createQueryBuilder(this.db.schemas.missions, 'm')
        .where('m.status IN (:...open)', { open: OPEN_MISSION_STATUSES })
        .orderBy('m.seq', 'ASC')
        .limit(limit)
        .getMany();
      return rows.map(toMission);
    });
  }

  listOpenForAgent(agent: string): Promise<MissionRecord[]> {
    return this.db.read(async (manager) => {
      const rows = await manager
        .createQueryBuilder(this.db.schemas.missions, 'm')
        .where('m.agent = :agent AND m.status IN (:...open)', { agent, open: OPEN_MISSION_STATUSES })
        .orderBy('m.seq', 'ASC')
        .getMany();
      return rows.map(toMission);
    });
  }

  #findRow(manager: EntityManager, id: string): Promise<MissionRow | null> {
    return manager.createQueryBuilder(this.db.schemas.missions, 'm').where('m.id = :id', { id }).getOne();
  }
}
