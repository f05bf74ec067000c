import {
  AgentNotFoundError,
  InvariantViolationError,
  RunNotFoundError,
  RunNotRunningError,
  RunRepository,
  validateRunHandle,
  ValidationError,
  type Run,
  type RunDraft,
  type RunFinish,
} from '@fracta/domain';

import { isUniqueViolation, type Db } from '../db.js';
import { toRun } from '../mappers.js';
import type { RunRow } from '../rows.js';

import { toCredentialRow } from './typeorm-credential.repository.js';

export class TypeormRunRepository extends RunRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async create(draft: RunDraft): Promise<Run> {
    const credential = draft.credential === undefined ? null : toCredentialRow(draft.credential);
    if (credential !== null && credential.agent !== draft.agent) {
      throw new ValidationError(
        'CREDENTIAL_INVALID',
        `the run's credential must be its agent's (${draft.agent}), not ${credential.agent}'s`,
      );
    }
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
      if (credential !== null)
        await manager
          .createQueryBuilder()
          .insert()
          .into(this.db.schemas.credentials)
          .values(credential)
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
    return await this.db.write(async (manager) => {
      // Conditional on the run still running, like finish: a finished run's handle never changes.
      const result = await manager
        .createQueryBuilder()
        .update(this.db.schemas.runs)
        .set({ handle })
        .where("id = :id AND status = 'running'", { id })
        .execute();
      const row = await manager
        .createQueryBuilder(this.db.schemas.runs, 'r')
        .where('r.id = :id', { id })
        .getOne();
      if (!row) throw new RunNotFoundError(id);
      if (result.affected !== 1) throw new RunNotRunningError(id, row.status);
      return toRun(row);
    });
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
