import {
  AgentAlreadyExistsError,
  AgentNotFoundError,
  AgentRepository,
  AgentTransitionInvalidError,
  boundHead,
  boundTail,
  checkTransition,
  creationEvent,
  fromStatuses,
  isLive,
  isTerminal,
  LIMITS,
  lifecycleEvent,
  LIVE_STATUSES,
  newAgentRecord,
  targetStatus,
  transitionRunHandle,
  type Agent,
  type AgentEvent,
  type AgentFilter,
  type AgentInfoPatch,
  type CreateAgentRequest,
  type LifecyclePatch,
  type Page,
  type PageRequest,
  type TransitionRequest,
  type TransitionResult,
} from '@fracta/domain';
import type { EntityManager, EntityMetadata, EntitySchema } from 'typeorm';

import { isUniqueViolation, type Db } from '../db.js';
import { toAgent, toAgentRow } from '../mappers.js';
import type { AgentLabelRow, AgentRow, Dialect } from '../rows.js';
import { checkPageLimit, decodeCursor, encodeCursor } from '../validation.js';

import { appendEvent } from './typeorm-event.repository.js';
import { writeRunHandle } from './typeorm-run.repository.js';

/** How often a transition re-reads and retries after losing a compare-and-set to another writer. */
const MAX_CAS_ATTEMPTS = 8;

type RowPatch = Partial<Omit<AgentRow, 'seq' | 'name' | 'created_at'>>;

function lifecyclePatchToRow(patch: LifecyclePatch | undefined): RowPatch {
  if (!patch) return {};
  const row: RowPatch = {};
  if (patch.exitCode !== undefined) row.exit_code = patch.exitCode;
  if (patch.failureReason !== undefined) {
    row.failure_reason =
      patch.failureReason === null ? null : boundHead(patch.failureReason, LIMITS.failureReasonChars);
  }
  if (patch.resumeToken !== undefined) row.resume_token = patch.resumeToken;
  if (patch.lastOutput !== undefined)
    row.last_output = patch.lastOutput === null ? null : boundTail(patch.lastOutput);
  if (patch.usage !== undefined) row.usage_json = patch.usage === null ? null : JSON.stringify(patch.usage);
  if (patch.currentRunId !== undefined) row.current_run_id = patch.currentRunId;
  if (patch.workspacePath !== undefined) row.workspace_path = patch.workspacePath;
  if (patch.branch !== undefined) row.branch = patch.branch;
  return row;
}

/** Positional parameters for hand-written SQL: `?` on SQLite, `$1, $2, …` on Postgres. */
class SqlParameters {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: Dialect) {}

  add(value: unknown): string {
    this.values.push(value);
    return this.dialect === 'postgres' ? `$${String(this.values.length)}` : '?';
  }

  list(values: readonly unknown[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }
}

export class TypeormAgentRepository extends AgentRepository {
  #agentColumns: EntityMetadata['columns'] | undefined;

  constructor(private readonly db: Db) {
    super();
  }

  async create(request: CreateAgentRequest): Promise<{ agent: Agent; event: AgentEvent }> {
    const agent = newAgentRecord(request);
    return await this.db.write(async (manager) => {
      if (await this.#findRow(manager, agent.name)) throw new AgentAlreadyExistsError(agent.name);
      try {
        await manager
          .createQueryBuilder()
          .insert()
          .into(this.db.schemas.agents)
          .values(toAgentRow(agent))
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new AgentAlreadyExistsError(agent.name);
        throw error;
      }
      const labelRows = Object.entries(agent.labels).map(([key, value]) => ({
        agent: agent.name,
        key,
        value,
      }));
      if (labelRows.length > 0) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(this.db.schemas.agentLabels)
          .values(labelRows)
          .execute();
      }
      const event = await appendEvent(this.db, manager, creationEvent(request));
      return { agent: await this.#load(manager, agent.name), event };
    });
  }

  async get(name: string): Promise<Agent> {
    const agent = await this.find(name);
    if (!agent) throw new AgentNotFoundError(name);
    return agent;
  }

  find(name: string): Promise<Agent | null> {
    return this.db.read(async (manager) => {
      const row = await this.#findRow(manager, name);
      return row ? toAgent(row, await this.#labels(manager, [name]).then((m) => m.get(name) ?? {})) : null;
    });
  }

  async list(filter: AgentFilter, page: PageRequest): Promise<Page<Agent>> {
    const limit = checkPageLimit(page.limit);
    const after = decodeCursor(page.cursor);
    return await this.db.read(async (manager) => {
      const rows = await this.#listRows(manager, filter, after, limit + 1);
      const pageRows = rows.slice(0, limit);
      const labels = await this.#labels(
        manager,
        pageRows.map((r) => r.name),
      );
      const last = pageRows.at(-1);
      return {
        items: pageRows.map((r) => toAgent(r, labels.get(r.name) ?? {})),
        nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
      };
    });
  }

  count(filter: AgentFilter): Promise<number> {
    return this.db.read(async (manager) => {
      const sql = new SqlParameters(this.db.dialect);
      const where = this.#where(filter, sql);
      const [result] = await manager.query<{ n: number | string }[]>(
        `SELECT COUNT(*) AS n FROM ${this.#table(this.db.schemas.agents)} a WHERE ${where.join(' AND ')}`,
        sql.values,
      );
      // Postgres returns COUNT(*) (a bigint) as a string.
      return Number(result?.n ?? 0);
    });
  }

  async transition(request: TransitionRequest): Promise<TransitionResult> {
    const { name, trigger, at } = request;
    const runHandle = transitionRunHandle(request);
    return await this.db.write(async (manager) => {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const current = await this.#findRow(manager, name);
        if (!current) throw new AgentNotFoundError(name);
        const agent = toAgent(current, {});
        if (!fromStatuses(trigger).includes(agent.status)) {
          return { applied: false, agent: await this.#load(manager, name) };
        }
        checkTransition(agent, trigger);
        const to = targetStatus(trigger);
        const values: RowPatch = { ...lifecyclePatchToRow(request.patch), status: to };
        if (request.run !== undefined && request.run !== null) values.current_run_id = request.run;
        if (trigger === 'start' || trigger === 'say') values.started_at = at;
        if (isTerminal(to)) values.finished_at = at;
        if (trigger === 'say' && isTerminal(agent.status)) {
          values.finished_at = null;
          values.exit_code = request.patch?.exitCode ?? null;
          values.failure_reason = null;
        }
        if (trigger === 'fail' && request.patch?.failureReason === undefined) {
          values.failure_reason = request.reason
            ? boundHead(request.reason, LIMITS.failureReasonChars)
            : null;
        }
        // Compare-and-set on the status this writer observed: of several racing writers exactly
        // one matches; the others see 0 rows and re-evaluate against the new status.
        const result = await manager
          .createQueryBuilder()
          .update(this.db.schemas.agents)
          .set(values)
          .where('name = :name AND status = :observed', { name, observed: agent.status })
          .execute();
        if (result.affected !== 1) continue;
        if (runHandle !== null && request.run)
          await writeRunHandle(this.db, manager, { id: request.run, agent: name }, runHandle);
        const event = await appendEvent(
          this.db,
          manager,
          lifecycleEvent({
            agent: name,
            run: request.run ?? current.current_run_id,
            from: agent.status,
            trigger,
            at,
            reason: request.reason ?? null,
            attrs: { ...request.attrs },
          }),
        );
        return { applied: true, agent: await this.#load(manager, name), event };
      }
      return { applied: false, agent: await this.#load(manager, name) };
    });
  }

  update(name: string, patch: AgentInfoPatch): Promise<Agent> {
    return this.db.write(async (manager) => {
      const current = await this.#findRow(manager, name);
      if (!current) throw new AgentNotFoundError(name);
      const values: RowPatch = lifecyclePatchToRow({
        ...(patch.lastOutput !== undefined ? { lastOutput: patch.lastOutput } : {}),
        ...(patch.usage !== undefined ? { usage: patch.usage } : {}),
        ...(patch.resumeToken !== undefined ? { resumeToken: patch.resumeToken } : {}),
        ...(patch.currentRunId !== undefined ? { currentRunId: patch.currentRunId } : {}),
      });
      if (patch.intent !== undefined)
        values.intent = patch.intent === null ? null : boundHead(patch.intent, LIMITS.intentChars);
      if (Object.keys(values).length === 0) return this.#load(manager, name);
      const result = await manager
        .createQueryBuilder()
        .update(this.db.schemas.agents)
        .set(values)
        .where('name = :name AND status IN (:...live)', { name, live: LIVE_STATUSES })
        .execute();
      if (result.affected !== 1) {
        const now = await this.#findRow(manager, name);
        throw new AgentTransitionInvalidError(
          name,
          now?.status ?? current.status,
          'update',
          'a finished agent cannot change',
        );
      }
      return this.#load(manager, name);
    });
  }

  delete(name: string): Promise<boolean> {
    return this.db.write(async (manager) => {
      // Lock the agent row first: a run or mission being created for it (which locks the row too)
      // either commits before this delete sweeps, or finds the agent gone.
      const query = manager.createQueryBuilder(this.db.schemas.agents, 'a').where('a.name = :name', { name });
      if (this.db.dialect === 'postgres') query.setLock('pessimistic_write');
      const current = await query.getOne();
      if (!current) return false;
      const status = toAgent(current, {}).status;
      if (isLive(status)) {
        throw new AgentTransitionInvalidError(name, status, 'delete', 'stop it first');
      }
      const { schemas } = this.db;
      const del = (
        schema:
          | typeof schemas.runs
          | typeof schemas.missions
          | typeof schemas.credentials
          | typeof schemas.agentLabels,
        column: string,
      ) => manager.createQueryBuilder().delete().from(schema).where(`${column} = :name`, { name }).execute();
      await del(schemas.runs, 'agent');
      await del(schemas.missions, 'agent');
      await del(schemas.credentials, 'agent');
      await del(schemas.agentLabels, 'agent');
      await manager
        .createQueryBuilder()
        .delete()
        .from(schemas.messages)
        .where('to_name = :name OR from_name = :name', { name })
        .execute();
      await manager
        .createQueryBuilder()
        .delete()
        .from(schemas.messageCursors)
        .where('recipient = :name', { name })
        .execute();
      const result = await manager
        .createQueryBuilder()
        .delete()
        .from(schemas.agents)
        .where('name = :name', { name })
        .execute();
      return result.affected === 1;
    });
  }

  #findRow(manager: EntityManager, name: string): Promise<AgentRow | null> {
    return manager.createQueryBuilder(this.db.schemas.agents, 'a').where('a.name = :name', { name }).getOne();
  }

  async #load(manager: EntityManager, name: string): Promise<Agent> {
    const row = await this.#findRow(manager, name);
    if (!row) throw new AgentNotFoundError(name);
    return toAgent(row, (await this.#labels(manager, [name])).get(name) ?? {});
  }

  async #labels(manager: EntityManager, names: string[]): Promise<Map<string, Record<string, string>>> {
    const byAgent = new Map<string, Record<string, string>>();
    if (names.length === 0) return byAgent;
    const sql = new SqlParameters(this.db.dialect);
    const table = this.#table(this.db.schemas.agentLabels);
    const rows = await manager.query<AgentLabelRow[]>(
      // By (agent, key), the primary key's order: no sort step, and each agent's keys still ascend.
      `SELECT l.agent, l.key, l.value FROM ${table} l WHERE l.agent IN (${sql.list(names)}) ORDER BY l.agent ASC, l.key ASC`,
      sql.values,
    );
    for (const row of rows) {
      const labels = byAgent.get(row.agent) ?? {};
      labels[row.key] = row.value;
      byAgent.set(row.agent, labels);
    }
    return byAgent;
  }

  /**
   * One keyset page of agent rows, by seq. Plain SQL through the manager, each column hydrated by
   * the driver as getMany() would (dates, the bigint seq): TypeORM's query building and entity
   * transformation were a fifth of list()'s time at 100 agents a page and two fifths at 500
   * (bench/: agents-list).
   */
  async #listRows(
    manager: EntityManager,
    filter: AgentFilter,
    after: number,
    take: number,
  ): Promise<AgentRow[]> {
    const sql = new SqlParameters(this.db.dialect);
    const where = [`a.seq > ${sql.add(after)}`, ...this.#where(filter, sql)];
    const raw = await manager.query<Record<string, unknown>[]>(
      `SELECT a.* FROM ${this.#table(this.db.schemas.agents)} a WHERE ${where.join(' AND ')} ORDER BY a.seq ASC LIMIT ${sql.add(take)}`,
      sql.values,
    );
    const driver = this.db.dataSource.driver;
    const columns = (this.#agentColumns ??= this.db.dataSource.getMetadata(this.db.schemas.agents).columns);
    return raw.map((record) => {
      const row: Record<string, unknown> = {};
      for (const column of columns) {
        row[column.propertyName] = driver.prepareHydratedValue(record[column.databaseName], column);
      }
      return row as unknown as AgentRow;
    });
  }

  /** The filter as SQL conditions on `a` (the agents table), ANDed; parameters go into `sql`. */
  #where(filter: AgentFilter, sql: SqlParameters): string[] {
    const where = ['1 = 1'];
    if (filter.statuses) {
      where.push(filter.statuses.length === 0 ? '1 = 0' : `a.status IN (${sql.list(filter.statuses)})`);
    }
    if (filter.runtimes) {
      where.push(filter.runtimes.length === 0 ? '1 = 0' : `a.runtime IN (${sql.list(filter.runtimes)})`);
    }
    if (filter.parentAgent !== undefined) where.push(`a.parent_agent = ${sql.add(filter.parentAgent)}`);
    if (filter.namePrefix !== undefined && filter.namePrefix !== '') {
      // SUBSTR, not LIKE: LIKE is case-insensitive on SQLite and case-sensitive on Postgres.
      where.push(`SUBSTR(a.name, 1, ${sql.add(filter.namePrefix.length)}) = ${sql.add(filter.namePrefix)}`);
    }
    const labels = this.#table(this.db.schemas.agentLabels);
    Object.entries(filter.labels ?? {}).forEach(([key, value], i) => {
      where.push(
        `EXISTS (SELECT 1 FROM ${labels} l${i} WHERE l${i}.agent = a.name AND l${i}.key = ${sql.add(key)} AND l${i}.value = ${sql.add(value)})`,
      );
    });
    return where;
  }

  #table(schema: EntitySchema): string {
    return this.db.dataSource.driver.escape(this.db.dataSource.getMetadata(schema).tableName);
  }
}
