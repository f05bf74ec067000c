/**
 * The store's handle on one database: how it reads, how it writes atomically, and how it turns
 * driver failures into domain errors. Repositories only talk to the database through this.
 */
import { isDomainError, StoreUnavailableError } from '@fracta/domain';
import type { DataSource, EntityManager } from 'typeorm';

import type { Dialect, EntitySchemas } from './rows.js';

/** Serializes async critical sections (SQLite has one connection and one writer). */
class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn, fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** Postgres advisory lock keys that make id order equal commit order (see `sequenced`). */
export const SEQUENCE_LOCKS = { events: 0x66_72_61_01, messages: 0x66_72_61_02 } as const;

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.driverError?.code ?? e.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Whether a driver or TypeORM failure is worth retrying (the connection or a lock, not the query). */
export function isTransient(error: unknown): boolean {
  const code = errorCode(error);
  if (code && TRANSIENT_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  if (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'QueryRunnerAlreadyReleasedError'
  ) {
    // TypeORM's own error when Postgres dropped the connection in the middle of a transaction.
    return true;
  }
  return /Connection terminated|connection timeout|Client has encountered a connection error|database is locked/i.test(
    message,
  );
}

export function describeUnavailable(dialect: Dialect, target: string, error: unknown): StoreUnavailableError {
  const code = errorCode(error) ?? (error instanceof Error ? error.message : String(error));
  const fix =
    dialect === 'postgres'
      ? 'check that Postgres is running and runtime.state.url is right'
      : 'check that the file is writable and no other program holds a lock on it';
  return new StoreUnavailableError(
    `state store unavailable (${dialect} ${target}: ${code}): ${fix}`,
    {
      dialect,
      code,
    },
    { cause: error },
  );
}

export class Db {
  readonly #mutex = new Mutex();

  constructor(
    readonly dialect: Dialect,
    readonly dataSource: DataSource,
    readonly schemas: EntitySchemas,
    /** Where the database is, without credentials, for error messages. */
    readonly target: string,
  ) {}

  /** Runs `fn` atomically: BEGIN IMMEDIATE on SQLite (no lock upgrades), READ COMMITTED on Postgres. */
  write<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.#guard(async () => {
      if (this.dialect === 'postgres') return this.dataSource.transaction(fn);
      return this.#mutex.run(async () => {
        const runner = this.dataSource.createQueryRunner();
        await runner.query('BEGIN IMMEDIATE');
        try {
          const result = await fn(runner.manager);
          await runner.query('COMMIT');
          return result;
        } catch (error) {
          await runner.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          await runner.release();
        }
      });
    });
  }

  read<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.#guard(() =>
      this.dialect === 'postgres'
        ? fn(this.dataSource.manager)
        : this.#mutex.run(() => fn(this.dataSource.manager)),
    );
  }

  /**
   * Call inside `write` right before inserting into an id-cursor table. On Postgres it takes a
   * transaction-scoped advisory lock, so rows of that table commit in id order and a reader's
   * "id > cursor" never skips a row that commits late. SQLite already has a single writer.
   */
  async sequenced(manager: EntityManager, table: keyof typeof SEQUENCE_LOCKS): Promise<void> {
    if (this.dialect === 'postgres')
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCE_LOCKS[table]]);
  }

  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isDomainError(error)) throw error;
      if (isTransient(error)) throw describeUnavailable(this.dialect, this.target, error);
      throw error;
    }
  }
}
