import type {
  Agent,
  AgentEvent,
  AgentMode,
  AgentStatus,
  EventOutcome,
  EventSeverity,
  GatewayCredential,
  Message,
  MissionRecord,
  MissionStatus,
  Run,
  RunKind,
  RunStatus,
  Runtime,
  TokenUsage,
} from '@fracta/domain';

import type { AgentRow, CredentialRow, EventRow, MessageRow, MissionRow, RunRow } from './rows.js';

const copyDate = (d: Date) => new Date(d.getTime());
const copyOptionalDate = (d: Date | null) => (d === null ? null : new Date(d.getTime()));

export function toAgent(row: AgentRow, labels: Record<string, string>): Agent {
  return {
    name: row.name,
    runtime: row.runtime as Runtime,
    mode: row.mode as AgentMode,
    status: row.status as AgentStatus,
    workspacePath: row.workspace_path,
    branch: row.branch,
    baseBranch: row.base_branch,
    resumeToken: row.resume_token,
    intent: row.intent,
    lastOutput: row.last_output,
    parentAgent: row.parent_agent,
    labels,
    createdAt: copyDate(row.created_at),
    startedAt: copyOptionalDate(row.started_at),
    finishedAt: copyOptionalDate(row.finished_at),
    exitCode: row.exit_code,
    failureReason: row.failure_reason,
    usage: row.usage_json === null ? null : (JSON.parse(row.usage_json) as TokenUsage),
    currentRunId: row.current_run_id,
  };
}

/** Everything but the store-assigned `seq`; labels live in their own table. */
export function toAgentRow(agent: Agent): Omit<AgentRow, 'seq'> {
  return {
    name: agent.name,
    runtime: agent.runtime,
    mode: agent.mode,
    status: agent.status,
    workspace_path: agent.workspacePath,
    branch: agent.branch,
    base_branch: agent.baseBranch,
    resume_token: agent.resumeToken,
    intent: agent.intent,
    last_output: agent.lastOutput,
    parent_agent: agent.parentAgent,
    created_at: agent.createdAt,
    started_at: agent.startedAt,
    finished_at: agent.finishedAt,
    exit_code: agent.exitCode,
    failure_reason: agent.failureReason,
    usage_json: agent.usage === null ? null : JSON.stringify(agent.usage),
    current_run_id: agent.currentRunId,
  };
}

export function toEvent(row: EventRow): AgentEvent {
  return {
    id: row.id,
    ts: copyDate(row.ts),
    component: row.component,
    category: row.category,
    resource: row.resource,
    action: row.action,
    outcome: row.outcome as EventOutcome,
    severity: row.severity as EventSeverity,
    agent: row.agent,
    run: row.run,
    attrs: JSON.parse(row.attrs_json) as Record<string, string>,
  };
}

export function toMessage(row: MessageRow, lastReadId: number): Message {
  return {
    id: row.id,
    from: row.from_name,
    to: row.to_name,
    body: row.body,
    createdAt: copyDate(row.created_at),
    read: row.id <= lastReadId,
  };
}

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    agent: row.agent,
    seq: row.seq,
    kind: row.kind as RunKind,
    status: row.status as RunStatus,
    startedAt: copyDate(row.started_at),
    finishedAt: copyOptionalDate(row.finished_at),
    exitCode: row.exit_code,
    dir: row.dir,
    handle: row.handle,
  };
}

export function toMission(row: MissionRow): MissionRecord {
  return {
    id: row.id,
    agent: row.agent,
    runKind: row.run_kind as RunKind,
    attempt: row.attempt,
    prompt: row.prompt,
    payload: JSON.parse(row.payload_json) as Record<string, unknown>,
    createdAt: copyDate(row.created_at),
    status: row.status as MissionStatus,
    updatedAt: copyDate(row.updated_at),
  };
}

/** Everything but the store-assigned `seq`. */
export function toMissionRow(mission: MissionRecord): Omit<MissionRow, 'seq'> {
  return {
    id: mission.id,
    agent: mission.agent,
    run_kind: mission.runKind,
    attempt: mission.attempt,
    status: mission.status,
    prompt: mission.prompt,
    payload_json: JSON.stringify(mission.payload),
    created_at: mission.createdAt,
    updated_at: mission.updatedAt,
  };
}

export function toCredential(row: CredentialRow): GatewayCredential {
  return {
    id: row.id,
    agent: row.agent,
    tokenHash: row.token_hash,
    createdAt: copyDate(row.created_at),
    expiresAt: copyOptionalDate(row.expires_at),
    revokedAt: copyOptionalDate(row.revoked_at),
  };
}
