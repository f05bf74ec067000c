import {
  AgentNotFoundError,
  InvariantViolationError,
  RunNotFoundError,
  RunNotRunningError,
  RunRepository,
  runCredentialOf,
  validateRunHandle,
  type Run,
  type RunDraft,
  type RunFinish,
} from '@fracta/domain';
import type { EntityManager } from 'typeorm';

import { isUniqueViolation, type Db } from '../db.js';
import { toRun } from '../mappers.js';
import type { RunRow } from '../rows.js';

import { toCredentialRow } from './typeorm-credential.repository.js';

/**
 * Records `handle` on a running run (of `agent`, when given) inside the caller's transaction and
 * returns the run's row: RunNotFoundError when there is no such run, RunNotRunningError once it has
 * finished (a finished run's handle never changes, like its status).
 */
export async function writeRunHandle(
  db: Db,
  manager: EntityManager,
  run: { readonly id: string; readonly agent?: string },
  handle: string,
): Promise<RunRow> {
  const { id, agent } = run;
  const result = await manager
    .createQueryBuilder()
    .update(db.schemas.runs)
    .set({ handle })
    .where(
      agent === undefined
        ? "id = :id AND status = 'running'"
        : "id = :id AND agent = :agent AND status = 'running'",
      { id, agent },
    )
    .execute();
  const row = await manager.createQueryBuilder(db.schemas.runs, 'r').where('r.id = :id', { id }).getOne();
  if (!row || (agent !== undefined && row.agent !== agent)) throw new RunNotFoundError(id);
  if (result.affected !== 1) throw new RunNotRunningError(id, row.status);
  return row;
}

export class TypeormRunRepository extends RunRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async create(draft: RunDraft): Promise<Run> {
    const credential = runCredentialOf(draft);
    const credentialRow = credential === null ? null : toCredentialRow(credential);
    return await this.db.write(async (manager) => {
      // Lock the agent row: two runs of one agent created at once get seq n and n+1, not a clash.
      const agentQuery = manager
        .createQueryBuilder(this.db.schemas.agents, 'a')
        .where('a.name = :name', { name: draft.agent });
      if (this.db.dialect === 'postgres') agentQuery.setLock('pessimistic_write');
      if (!(await agentQuery.getOne())) throw new AgentNotFoundError(draft.agent);
      const max = await manager
        .createQueryBuilder(this.db.schemas.runs, 'r')
        .select('MAX(r.seq)', 'max')
        .where('r.agent = :agent', { agent: draft.agent })
        .getRawOne<{ max: number | string | null }>();
      const row: RunRow = {
        id: draft.id,
        agent: draft.agent,
        seq: Number(max?.max ?? 0) + 1,
        kind: draft.kind,
        status: 'running',
        started_at: draft.startedAt,
        finished_at: null,
        exit_code: null,
        dir: draft.dir ?? null,
        handle: null,
      };
      try {
        await manager.createQueryBuilder().insert().into(this.db.schemas.runs).values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new InvariantViolationError(`run id ${draft.id} is already taken`, {}, { cause: error });
        throw error;
      }
      if (credentialRow !== null)
        await manager
          .createQueryBuilder()
          .insert()
          .into(this.db.schemas.credentials)
          .values(credentialRow)
          .execute();
      return toRun(row);
    });
  }

  finish(id: string, finish: RunFinish): Promise<{ applied: boolean; run: Run }> {
    return this.db.write(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(this.db.schemas.runs)
        .set({ status: finish.status, finished_at: finish.finishedAt, exit_code: finish.exitCode ?? null })
        .where("id = :id AND status = 'running'", { id })
        .execute();
      const row = await manager
        .createQueryBuilder(this.db.schemas.runs, 'r')
        .where('r.id = :id', { id })
        .getOne();
      if (!row) throw new RunNotFoundError(id);
      return { applied: result.affected === 1, run: toRun(row) };
    });
  }

  async attachHandle(id: string, handle: string): Promise<Run> {
    validateRunHandle(handle);
    return await this.db.write(async (manager) =>
      toRun(await writeRunHandle(this.db, manager, { id }, handle)),
    );
  }

  get(id: string): Promise<Run> {
    return this.db.read(async (manager) => {
      const row = await manager
        .createQueryBuilder(this.db.schemas.runs, 'r')
        .where('r.id = :id', { id })
        .getOne();
      if (!row) throw new RunNotFoundError(id);
      return toRun(row);
    });
  }

  listForAgent(agent: string): Promise<Run[]> {
    return this.db.read(async (manager) => {
      const rows = await manager
        .createQueryBuilder(this.db.schemas.runs, 'r')
        .where('r.agent = :agent', { agent })
        .orderBy('r.seq', 'ASC')
        .getMany();
      return rows.map(toRun);
    });
  }
}
