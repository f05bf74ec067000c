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
}

export interface RunDraft {
  readonly id: string;
  readonly agent: string;
  readonly kind: RunKind;
  readonly startedAt: Date;
  readonly dir?: string | null;
}

export interface RunFinish {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly finishedAt: Date;
  readonly exitCode?: number | null;
}
