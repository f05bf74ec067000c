/**
 * The state store: every repository port on one database, SQLite (local mode) or Postgres
 * (team and Kubernetes modes), with identical behaviour. `openStore` connects, applies the
 * migrations, and fails with a one-line StoreUnavailableError naming the fix.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

import {
  ValidationError,
  type AgentRepository,
  type CredentialRepository,
  type EventRepository,
  type MessageRepository,
  type MissionRepository,
  type RunRepository,
} from '@fracta/domain';
import { DataSource, type DataSourceOptions } from 'typeorm';

import { Db, describeUnavailable } from './db.js';
import { migrationsFor } from './migrations/index.js';
import { TypeormAgentRepository } from './repositories/typeorm-agent.repository.js';
import { TypeormCredentialRepository } from './repositories/typeorm-credential.repository.js';
import { TypeormEventRepository } from './repositories/typeorm-event.repository.js';
import { TypeormMessageRepository } from './repositories/typeorm-message.repository.js';
import { TypeormMissionRepository } from './repositories/typeorm-mission.repository.js';
import { TypeormRunRepository } from './repositories/typeorm-run.repository.js';
import { createEntitySchemas, type Dialect } from './rows.js';

export type StoreOptions =
  | {
      readonly kind: 'sqlite';
      /** A file path, or ':memory:'. */
      readonly path: string;
      readonly busyTimeoutMs?: number;
    }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly poolMax?: number;
      readonly connectTimeoutMs?: number;
    };

export interface StateStore {
  readonly dialect: Dialect;
  readonly agents: AgentRepository;
  readonly events: EventRepository;
  readonly messages: MessageRepository;
  readonly runs: RunRepository;
  readonly credentials: CredentialRepository;
  readonly missions: MissionRepository;
  /** Names of the applied migrations, oldest first. */
  appliedMigrations(): Promise<string[]>;
  close(): Promise<void>;
}

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

function dataSourceOptions(
  options: StoreOptions,
  schemas: ReturnType<typeof createEntitySchemas>,
): DataSourceOptions {
  const common = {
    entities: Object.values(schemas),
    migrations: migrationsFor(options.kind),
    migrationsTableName: 'fracta_migrations',
    synchronize: false,
    logging: false,
  } as const;
  if (options.kind === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: options.path,
      enableWAL: options.path !== ':memory:',
      timeout: options.busyTimeoutMs ?? 5_000,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5_000}`);
        // NORMAL is the standard setting with WAL: a commit appends to the WAL without an fsync
        // (the WAL is synced at checkpoints). The database cannot be corrupted this way, and a
        // crash of the control plane itself (even SIGKILL) loses no committed transaction: the
        // WAL's pages are in the OS page cache. Only a power loss or an OS crash can roll back the
        // last commits since a checkpoint; the files they describe (worktrees, run directories)
        // are then what any crash mid-spawn leaves. FULL would fsync on every commit: a spawn does
        // about seven write transactions, and FULL made its store calls 2.6 → 7-8 ms here.
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return {
    ...common,
    type: 'postgres',
    url: options.url,
    extra: {
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    },
  };
}

/** Held while migrating, so control planes and workers starting together migrate once. */
const MIGRATION_LOCK = 0x66_72_61_00;

async function migrate(dataSource: DataSource, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

export async function openStore(options: StoreOptions): Promise<StateStore> {
  const schemas = createEntitySchemas(options.kind);
  const target = options.kind === 'sqlite' ? options.path : redactUrl(options.url);
  if (options.kind === 'sqlite' && options.path !== ':memory:') {
    try {
      await mkdir(dirname(options.path), { recursive: true });
    } catch (error) {
      throw new ValidationError(
        'STORE_PATH_INVALID',
        `cannot create the directory for the SQLite database ${options.path} (${(error as { code?: string }).code ?? String(error)}): set runtime.state.path to a writable location`,
      );
    }
  }
  const dataSource = new DataSource(dataSourceOptions(options, schemas));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw describeUnavailable(options.kind, target, error);
  }
  try {
    await migrate(dataSource, options.kind);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw describeUnavailable(options.kind, target, error);
  }
  const db = new Db(options.kind, dataSource, schemas, target);
  return {
    dialect: options.kind,
    agents: new TypeormAgentRepository(db),
    events: new TypeormEventRepository(db),
    messages: new TypeormMessageRepository(db),
    runs: new TypeormRunRepository(db),
    credentials: new TypeormCredentialRepository(db),
    missions: new TypeormMissionRepository(db),
    appliedMigrations: async () => {
      const rows = await db.read((manager) =>
        manager.query<{ name: string }[]>('SELECT name FROM fracta_migrations ORDER BY id'),
      );
      return rows.map((row) => row.name);
    },
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
