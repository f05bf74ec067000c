/**
 * Migration 1: the state store's first schema. Explicit SQL, one statement list for both
 * dialects with the few type differences spelled out, so the two databases cannot drift.
 */
import {
  AGENT_MODES,
  AGENT_STATUSES,
  EVENT_OUTCOMES,
  EVENT_SEVERITIES,
  RUN_KINDS,
  RUN_STATUSES,
  RUNTIMES,
} from '@fracta/domain';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import type { Dialect } from '../rows.js';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

export function initialSchemaStatements(dialect: Dialect): string[] {
  const serial = dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
  const bigint = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  const time = dialect === 'postgres' ? 'TIMESTAMPTZ' : 'DATETIME';
  return [
    `CREATE TABLE agents (
      seq ${serial},
      name TEXT NOT NULL UNIQUE,
      runtime TEXT NOT NULL CHECK (runtime IN (${list(RUNTIMES)})),
      mode TEXT NOT NULL CHECK (mode IN (${list(AGENT_MODES)})),
      status TEXT NOT NULL CHECK (status IN (${list(AGENT_STATUSES)})),
      workspace_path TEXT,
      branch TEXT,
      base_branch TEXT,
      resume_token TEXT,
      intent TEXT,
      last_output TEXT,
      parent_agent TEXT,
      created_at ${time} NOT NULL,
      started_at ${time},
      finished_at ${time},
      exit_code INTEGER,
      failure_reason TEXT,
      usage_json TEXT,
      current_run_id TEXT
    )`,
    `CREATE INDEX agents_status_idx ON agents (status)`,
    `CREATE INDEX agents_parent_idx ON agents (parent_agent)`,
    `CREATE TABLE agent_labels (
      agent TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (agent, key)
    )`,
    `CREATE INDEX agent_labels_kv_idx ON agent_labels (key, value)`,
    `CREATE TABLE events (
      id ${serial},
      ts ${time} NOT NULL,
      component TEXT NOT NULL,
      category TEXT NOT NULL,
      resource TEXT NOT NULL,
      action TEXT NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN (${list(EVENT_OUTCOMES)})),
      severity TEXT NOT NULL CHECK (severity IN (${list(EVENT_SEVERITIES)})),
      agent TEXT,
      run TEXT,
      attrs_json TEXT NOT NULL
    )`,
    `CREATE INDEX events_agent_idx ON events (agent, id)`,
    `CREATE TABLE messages (
      id ${serial},
      from_name TEXT NOT NULL,
      to_name TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at ${time} NOT NULL
    )`,
    `CREATE INDEX messages_to_idx ON messages (to_name, id)`,
    `CREATE INDEX messages_from_idx ON messages (from_name)`,
    `CREATE TABLE message_cursors (
      recipient TEXT PRIMARY KEY,
      last_read_id ${bigint} NOT NULL
    )`,
    `CREATE TABLE runs (
      id TEXT PRIMARY KEY,
      agent TEXT NOT NULL,
      seq INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN (${list(RUN_KINDS)})),
      status TEXT NOT NULL CHECK (status IN (${list(RUN_STATUSES)})),
      started_at ${time} NOT NULL,
      finished_at ${time},
      exit_code INTEGER,
      dir TEXT,
      UNIQUE (agent, seq)
    )`,
    `CREATE TABLE gateway_credentials (
      id TEXT PRIMARY KEY,
      agent TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      created_at ${time} NOT NULL,
      expires_at ${time},
      revoked_at ${time}
    )`,
    `CREATE INDEX gateway_credentials_agent_idx ON gateway_credentials (agent)`,
  ];
}

const TABLES = [
  'gateway_credentials',
  'runs',
  'message_cursors',
  'messages',
  'events',
  'agent_labels',
  'agents',
];

abstract class InitialSchema implements MigrationInterface {
  protected abstract readonly dialect: Dialect;

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of initialSchemaStatements(this.dialect)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`DROP TABLE ${table}`);
  }
}

export class InitialSchemaSqlite1763856000000 extends InitialSchema {
  readonly name = 'InitialSchemaSqlite1763856000000';
  protected readonly dialect = 'sqlite';
}

export class InitialSchemaPostgres1763856000000 extends InitialSchema {
  readonly name = 'InitialSchemaPostgres1763856000000';
  protected readonly dialect = 'postgres';
}
