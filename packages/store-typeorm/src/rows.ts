/**
 * Table rows and their TypeORM entity schemas. EntitySchema (not decorators) because the same
 * table needs a dialect-specific time type (timestamptz on Postgres, datetime text on SQLite),
 * and because it keeps the package free of decorator metadata in ESM.
 */
import {
  EntitySchema,
  type ColumnType,
  type EntitySchemaColumnOptions,
  type ValueTransformer,
} from 'typeorm';

export type Dialect = 'sqlite' | 'postgres';

export interface AgentRow {
  seq: number;
  name: string;
  runtime: string;
  mode: string;
  status: string;
  workspace_path: string | null;
  branch: string | null;
  base_branch: string | null;
  resume_token: string | null;
  intent: string | null;
  last_output: string | null;
  parent_agent: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  exit_code: number | null;
  failure_reason: string | null;
  usage_json: string | null;
  current_run_id: string | null;
}

export interface AgentLabelRow {
  agent: string;
  key: string;
  value: string;
}

export interface EventRow {
  id: number;
  ts: Date;
  component: string;
  category: string;
  resource: string;
  action: string;
  outcome: string;
  severity: string;
  agent: string | null;
  run: string | null;
  attrs_json: string;
}

export interface MessageRow {
  id: number;
  from_name: string;
  to_name: string;
  body: string;
  created_at: Date;
}

export interface MessageCursorRow {
  recipient: string;
  last_read_id: number;
}

export interface RunRow {
  id: string;
  agent: string;
  seq: number;
  kind: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  exit_code: number | null;
  dir: string | null;
  handle: string | null;
}

export interface MissionRow {
  seq: number;
  id: string;
  agent: string;
  run_kind: string;
  attempt: number;
  status: string;
  prompt: string | null;
  payload_json: string;
  created_at: Date;
  updated_at: Date;
}

export interface CredentialRow {
  id: string;
  agent: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** Postgres returns BIGINT as a string; ids stay far below 2^53. */
const bigintAsNumber: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};

export function createEntitySchemas(dialect: Dialect) {
  const time: ColumnType = dialect === 'postgres' ? 'timestamptz' : 'datetime';
  const bigint: ColumnType = dialect === 'postgres' ? 'bigint' : 'integer';
  const text = (nullable = false): EntitySchemaColumnOptions => ({ type: 'text', nullable });
  const at = (nullable = false): EntitySchemaColumnOptions => ({ type: time, nullable });
  const int = (nullable = false): EntitySchemaColumnOptions => ({ type: 'integer', nullable });
  const serial: EntitySchemaColumnOptions = {
    type: bigint,
    primary: true,
    generated: 'increment',
    transformer: bigintAsNumber,
  };

  const agents = new EntitySchema<AgentRow>({
    name: 'AgentRow',
    tableName: 'agents',
    columns: {
      seq: serial,
      name: text(),
      runtime: text(),
      mode: text(),
      status: text(),
      workspace_path: text(true),
      branch: text(true),
      base_branch: text(true),
      resume_token: text(true),
      intent: text(true),
      last_output: text(true),
      parent_agent: text(true),
      created_at: at(),
      started_at: at(true),
      finished_at: at(true),
      exit_code: int(true),
      failure_reason: text(true),
      usage_json: text(true),
      current_run_id: text(true),
    },
  });

  const agentLabels = new EntitySchema<AgentLabelRow>({
    name: 'AgentLabelRow',
    tableName: 'agent_labels',
    columns: {
      agent: { type: 'text', primary: true },
      key: { type: 'text', primary: true },
      value: text(),
    },
  });

  const events = new EntitySchema<EventRow>({
    name: 'EventRow',
    tableName: 'events',
    columns: {
      id: serial,
      ts: at(),
      component: text(),
      category: text(),
      resource: text(),
      action: text(),
      outcome: text(),
      severity: text(),
      agent: text(true),
      run: text(true),
      attrs_json: text(),
    },
  });

  const messages = new EntitySchema<MessageRow>({
    name: 'MessageRow',
    tableName: 'messages',
    columns: {
      id: serial,
      from_name: text(),
      to_name: text(),
      body: text(),
      created_at: at(),
    },
  });

  const messageCursors = new EntitySchema<MessageCursorRow>({
    name: 'MessageCursorRow',
    tableName: 'message_cursors',
    columns: {
      recipient: { type: 'text', primary: true },
      last_read_id: { type: bigint, transformer: bigintAsNumber },
    },
  });

  const runs = new EntitySchema<RunRow>({
    name: 'RunRow',
    tableName: 'runs',
    columns: {
      id: { type: 'text', primary: true },
      agent: text(),
      seq: int(),
      kind: text(),
      status: text(),
      started_at: at(),
      finished_at: at(true),
      exit_code: int(true),
      dir: text(true),
      handle: text(true),
    },
  });

  const missions = new EntitySchema<MissionRow>({
    name: 'MissionRow',
    tableName: 'missions',
    columns: {
      seq: serial,
      id: text(),
      agent: text(),
      run_kind: text(),
      attempt: { type: bigint, transformer: bigintAsNumber },
      status: text(),
      prompt: text(true),
      payload_json: text(),
      created_at: at(),
      updated_at: at(),
    },
  });

  const credentials = new EntitySchema<CredentialRow>({
    name: 'CredentialRow',
    tableName: 'gateway_credentials',
    columns: {
      id: { type: 'text', primary: true },
      agent: text(),
      token_hash: text(),
      created_at: at(),
      expires_at: at(true),
      revoked_at: at(true),
    },
  });

  return { agents, agentLabels, events, messages, messageCursors, runs, credentials, missions };
}

export type EntitySchemas = ReturnType<typeof createEntitySchemas>;
