/**
 * Migration 2: runs remember their runtime handle (so a restarted control plane finds the
 * process again), and missions, the durable side of the queue, get their table. The value lists
 * of the CHECK constraints are written out as they were when this migration was made: a migration
 * never changes once released, so it must not follow later edits of the domain constants.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

import type { Dialect } from '../rows.js';

function runHandlesMissionsStatements(dialect: Dialect): string[] {
  const serial = dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
  const bigint = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  const time = dialect === 'postgres' ? 'TIMESTAMPTZ' : 'DATETIME';
  return [
    `ALTER TABLE runs ADD COLUMN handle TEXT`,
    `CREATE TABLE missions (
      seq ${serial},
      id TEXT NOT NULL UNIQUE,
      agent TEXT NOT NULL,
      run_kind TEXT NOT NULL CHECK (run_kind IN ('initial', 'say', 'retry')),
      attempt ${bigint} NOT NULL CHECK (attempt >= 0),
      status TEXT NOT NULL CHECK (status IN ('pending', 'claimed', 'completed', 'failed', 'cancelled')),
      prompt TEXT,
      payload_json TEXT NOT NULL,
      created_at ${time} NOT NULL,
      updated_at ${time} NOT NULL
    )`,
    `CREATE INDEX missions_status_seq_idx ON missions (status, seq)`,
    `CREATE INDEX missions_agent_idx ON missions (agent)`,
  ];
}

abstract class RunHandlesMissions implements MigrationInterface {
  protected abstract readonly dialect: Dialect;

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of runHandlesMissionsStatements(this.dialect)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE missions');
    await queryRunner.query('ALTER TABLE runs DROP COLUMN handle');
  }
}

export class RunHandlesMissionsSqlite1796300000000 extends RunHandlesMissions {
  readonly name = 'RunHandlesMissionsSqlite1796300000000';
  protected readonly dialect = 'sqlite';
}

export class RunHandlesMissionsPostgres1796300000000 extends RunHandlesMissions {
  readonly name = 'RunHandlesMissionsPostgres1796300000000';
  protected readonly dialect = 'postgres';
}
