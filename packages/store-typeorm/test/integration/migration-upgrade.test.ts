/**
 * A database made by the previous release (migration 1 only, with rows in it) opened by this one:
 * the new migration applies once, old rows keep every field, old runs get no handle, and the new
 * tables work. On a real SQLite file and a real Postgres database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestDatabase } from '@fracta/test-postgres';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DataSource, type DataSourceOptions } from 'typeorm';

import { openStore, type StateStore, type StoreOptions } from '../../src/index.js';
import {
  InitialSchemaPostgres1763856000000,
  InitialSchemaSqlite1763856000000,
} from '../../src/migrations/initial-schema.js';

const T0 = new Date('2026-01-02T03:04:05.678Z');
const T1 = new Date('2026-01-02T04:00:00.000Z');

interface Target {
  readonly options: StoreOptions;
  /** A data source of the previous release: migration 1 only. */
  readonly previous: DataSourceOptions;
  /** Renders a time the way the previous release's store wrote it. */
  readonly time: (date: Date) => string;
  /** Placeholder of the n-th (1-based) parameter. */
  readonly param: (n: number) => string;
  readonly indexesOf: (table: string) => string;
  dispose(): Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'fracta-upgrade-'));
  const path = join(dir, 'state.db');
  return {
    options: { kind: 'sqlite', path },
    previous: {
      type: 'better-sqlite3',
      database: path,
      migrations: [InitialSchemaSqlite1763856000000],
      migrationsTableName: 'fracta_migrations',
    },
    // TypeORM's datetime on SQLite: UTC, "YYYY-MM-DD HH:MM:SS.SSS".
    time: (date) => date.toISOString().replace('T', ' ').replace('Z', ''),
    param: () => '?',
    indexesOf: (table) => `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '${table}'`,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function postgresTarget(): Promise<Target> {
  const database = await createTestDatabase('upgrade');
  return {
    options: { kind: 'postgres', url: database.url },
    previous: {
      type: 'postgres',
      url: database.url,
      migrations: [InitialSchemaPostgres1763856000000],
      migrationsTableName: 'fracta_migrations',
    },
    time: (date) => date.toISOString(),
    param: (n) => `$${n}`,
    indexesOf: (table) => `SELECT indexname AS name FROM pg_indexes WHERE tablename = '${table}'`,
    dispose: () => database.drop(),
  };
}

describe.each([
  ['sqlite (file)', sqliteTarget],
  ['postgres', postgresTarget],
])('upgrading a %s database made by the previous schema', (_, makeTarget) => {
  let target: Target | undefined;
  const stores: StateStore[] = [];

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await target?.dispose();
    target = undefined;
  });

  async function previousRelease(t: Target): Promise<void> {
    const old = new DataSource(t.previous);
    await old.initialize();
    try {
      await old.runMigrations({ transaction: 'each' });
      const p = t.param;
      const insert = (sql: string, values: unknown[]) => old.query(sql, values);
      await insert(
        `INSERT INTO agents (name, runtime, mode, status, created_at, started_at, current_run_id)
         VALUES (${p(1)}, 'command', 'batch', 'running', ${p(2)}, ${p(3)}, 'old-run-1')`,
        ['old-timer', t.time(T0), t.time(T0)],
      );
      await insert(
        `INSERT INTO agents (name, runtime, mode, status, created_at, started_at, finished_at, exit_code)
         VALUES (${p(1)}, 'codex', 'stream', 'stopped', ${p(2)}, ${p(3)}, ${p(4)}, 0)`,
        ['old-done', t.time(T0), t.time(T0), t.time(T1)],
      );
      await insert(`INSERT INTO agent_labels (agent, key, value) VALUES (${p(1)}, 'team', 'core')`, [
        'old-timer',
      ]);
      await insert(
        `INSERT INTO runs (id, agent, seq, kind, status, started_at, dir)
         VALUES ('old-run-1', 'old-timer', 1, 'initial', 'running', ${p(1)}, '/runs/old-run-1')`,
        [t.time(T0)],
      );
      await insert(
        `INSERT INTO runs (id, agent, seq, kind, status, started_at, finished_at, exit_code)
         VALUES ('old-run-0', 'old-done', 1, 'say', 'succeeded', ${p(1)}, ${p(2)}, 0)`,
        [t.time(T0), t.time(T1)],
      );
    } finally {
      await old.destroy();
    }
  }

  it('should add run handles and missions once, keeping every old row', async () => {
    target = await makeTarget();
    await previousRelease(target);

    const store = await openStore(target.options);
    stores.push(store);
    const applied = await store.appliedMigrations();
    expect(applied).toHaveLength(2);
    expect(applied[0]).toMatch(/^InitialSchema/);
    expect(applied[1]).toMatch(/^RunHandlesMissions/);

    expect(await store.runs.get('old-run-1')).toEqual({
      id: 'old-run-1',
      agent: 'old-timer',
      seq: 1,
      kind: 'initial',
      status: 'running',
      startedAt: T0,
      finishedAt: null,
      exitCode: null,
      dir: '/runs/old-run-1',
      handle: null,
    });
    expect(await store.runs.get('old-run-0')).toMatchObject({
      status: 'succeeded',
      finishedAt: T1,
      exitCode: 0,
      handle: null,
    });
    expect(await store.agents.get('old-timer')).toMatchObject({
      status: 'running',
      labels: { team: 'core' },
      createdAt: T0,
      currentRunId: 'old-run-1',
    });

    // The old running run takes a handle; the old finished one refuses it.
    expect((await store.runs.attachHandle('old-run-1', 'local:4242:1')).handle).toBe('local:4242:1');
    expect(
      await store.runs.attachHandle('old-run-0', 'local:1:1').then(
        () => 'attached',
        (error: unknown) => (error as { code: string }).code,
      ),
    ).toBe('RUN_NOT_RUNNING');
    const next = await store.runs.create({ id: 'new-run', agent: 'old-timer', kind: 'say', startedAt: T1 });
    expect(next).toMatchObject({ seq: 2, handle: null });

    // Missions work on an agent of the old database, and go with it.
    await store.missions.create({
      id: 'm-old',
      agent: 'old-done',
      runKind: 'retry',
      prompt: 'again',
      payload: { from: 'upgrade' },
      createdAt: T1,
    });
    expect(await store.missions.claim('m-old', 0, T1)).toMatchObject({ status: 'claimed', attempt: 1 });
    expect(await store.agents.delete('old-done')).toBe(true);
    expect(await store.missions.listOpen(10)).toEqual([]);

    expect(await indexNames(target, 'missions')).toEqual(
      expect.arrayContaining(['missions_agent_idx', 'missions_status_seq_idx']),
    );
  });

  it('should not migrate again when opened a second time', async () => {
    target = await makeTarget();
    await previousRelease(target);
    const first = await openStore(target.options);
    await first.runs.attachHandle('old-run-1', 'local:7:7');
    const applied = await first.appliedMigrations();
    await first.close();

    const second = await openStore(target.options);
    stores.push(second);
    expect(await second.appliedMigrations()).toEqual(applied);
    expect((await second.runs.get('old-run-1')).handle).toBe('local:7:7');
  });
});

async function indexNames(t: Target, table: string): Promise<string[]> {
  const ds = new DataSource(t.previous);
  await ds.initialize();
  try {
    return (await ds.query<{ name: string }[]>(t.indexesOf(table))).map((r) => r.name);
  } finally {
    await ds.destroy();
  }
}
