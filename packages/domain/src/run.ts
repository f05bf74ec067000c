import type { GatewayCredential } from './credential.js';
import type { RuntimeHandle } from './ports.js';

export const RUN_KINDS = ['initial', 'say', 'retry'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'stopped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One execution of an agent: the first prompt, each `say` turn, each retry. */
export interface Run {
  readonly id: string;
  readonly agent: string;
  /** 1 for the agent's first run, then +1 per run. */
  readonly seq: number;
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly exitCode: number | null;
  /** Directory of the run record (conductor-loop layout), when the run has one. */
  readonly dir: string | null;
  /**
   * The runtime backend's handle on the run's process, serialized as `<backend>:<id>` (see
   * `formatRunHandle`), so a restarted control plane can find the process again. Null until the
   * backend has started it.
   */
  readonly handle: string | null;
}

export interface RunDraft {
  readonly id: string;
  readonly agent: string;
  readonly kind: RunKind;
  readonly startedAt: Date;
  readonly dir?: string | null;
  /**
   * The run's gateway credential (for the same agent), issued in the same transaction as the run:
   * both are there or neither. Validated as `CredentialRepository.issue` validates it.
   */
  readonly credential?: Omit<GatewayCredential, 'revokedAt'>;
}

export interface RunFinish {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly finishedAt: Date;
  readonly exitCode?: number | null;
}

export const RUN_LIMITS = {
  /** A serialized runtime handle: 1..handleChars characters, no control characters. */
  handleChars: 512,
} as const;

/** `<backend>:<id>`, the form `RunRepository.attachHandle` stores. */
export function formatRunHandle(handle: RuntimeHandle): string {
  return `${handle.backend}:${handle.id}`;
}

/**
 * The backend and id of a stored handle: the backend is everything before the first ':', the id
 * everything after it (ids may contain ':'). Null when either part is empty.
 */
export function parseRunHandle(handle: string): RuntimeHandle | null {
  const colon = handle.indexOf(':');
  if (colon <= 0 || colon === handle.length - 1) return null;
  return { backend: handle.slice(0, colon), id: handle.slice(colon + 1) };
}
