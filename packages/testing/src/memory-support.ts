/** Helpers shared by the in-memory fakes: copies (callers never hold stored objects) and checks. */
import {
  type Agent,
  type AgentEvent,
  type GatewayCredential,
  type MissionRecord,
  type Run,
} from '@fracta/domain';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Runs `fn` now and settles the promise with its result or its error (never throws synchronously). */
export function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(fn());
  });
}

export function copyDate(date: Date): Date;
export function copyDate(date: Date | null): Date | null;
export function copyDate(date: Date | null): Date | null {
  return date === null ? null : new Date(date.getTime());
}

export function copyAgent(agent: Agent): Agent {
  return {
    ...agent,
    labels: { ...agent.labels },
    createdAt: copyDate(agent.createdAt),
    startedAt: copyDate(agent.startedAt),
    finishedAt: copyDate(agent.finishedAt),
    usage: agent.usage === null ? null : { ...agent.usage },
  };
}

export function copyEvent(event: AgentEvent): AgentEvent {
  return { ...event, ts: copyDate(event.ts), attrs: { ...event.attrs } };
}

export function copyRun(run: Run): Run {
  return { ...run, startedAt: copyDate(run.startedAt), finishedAt: copyDate(run.finishedAt) };
}

export function copyCredential(credential: GatewayCredential): GatewayCredential {
  return {
    ...credential,
    createdAt: copyDate(credential.createdAt),
    expiresAt: copyDate(credential.expiresAt),
    revokedAt: copyDate(credential.revokedAt),
  };
}

/** The payload goes through JSON, as it does in the SQL stores. */
export function copyMission(mission: MissionRecord): MissionRecord {
  return {
    ...mission,
    payload: JSON.parse(JSON.stringify(mission.payload)) as Record<string, unknown>,
    createdAt: copyDate(mission.createdAt),
    updatedAt: copyDate(mission.updatedAt),
  };
}
