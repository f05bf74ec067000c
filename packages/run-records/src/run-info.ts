/**
 * run-info.yaml: the state of one run as a small YAML file (conductor-loop layout), validated on
 * every read and before every write. It holds the argv of the command, never its environment.
 */
import { boundHead, RUNTIMES, type Runtime } from '@fracta/domain';
import { parse, stringify } from 'yaml';

import { isSafeSegment, SEGMENT_LIMITS } from './path-segment.js';

export const RUN_RECORD_STATUSES = ['running', 'succeeded', 'failed', 'stopped', 'crashed'] as const;
export type RunRecordStatus = (typeof RUN_RECORD_STATUSES)[number];

export function isTerminalRunStatus(status: RunRecordStatus): boolean {
  return status !== 'running';
}

export const RUN_INFO_LIMITS = {
  /** Longer arguments (a prompt passed as argv) are stored cut; prompt.md has the whole prompt. */
  commandArgChars: 4_096,
  commandArgs: 1_024,
  cwdChars: 4_096,
  resumeTokenChars: 1_024,
  /** Longer error texts are stored cut, with '…'. */
  errorChars: 2_048,
  fileBytes: 1024 * 1024,
} as const;

export interface RunInfo {
  readonly version: 1;
  readonly run_id: string;
  readonly project_id: string;
  /** The agent. */
  readonly task_id: string;
  readonly runtime: Runtime;
  readonly status: RunRecordStatus;
  readonly pid: number | null;
  readonly pgid: number | null;
  /** ISO 8601, UTC. */
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly exit_code: number | null;
  /** argv; never the environment. */
  readonly command: readonly string[];
  readonly cwd: string;
  readonly resume_token?: string;
  readonly error?: string;
}

/** What may change after creation; `null` clears resume_token or error. */
export interface RunInfoPatch {
  readonly status?: RunRecordStatus;
  readonly pid?: number | null;
  readonly pgid?: number | null;
  readonly finished_at?: string | null;
  readonly exit_code?: number | null;
  readonly command?: readonly string[];
  readonly resume_token?: string | null;
  readonly error?: string | null;
}

const KEYS = [
  'version',
  'run_id',
  'project_id',
  'task_id',
  'runtime',
  'status',
  'pid',
  'pgid',
  'started_at',
  'finished_at',
  'exit_code',
  'command',
  'cwd',
  'resume_token',
  'error',
] as const;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function isIsoTimestamp(value: unknown): value is string {
  return typeof value === 'string' && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value));
}

const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isExitCode = (v: unknown): v is number =>
  Number.isSafeInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31;

/** Cuts what may be cut (long argv entries, the error text) to the limits. */
export function normalizeRunInfo(info: RunInfo): RunInfo {
  const { resume_token, error, ...rest } = info;
  return {
    ...rest,
    command: info.command.map((arg) =>
      arg.length > RUN_INFO_LIMITS.commandArgChars
        ? `${boundHead(arg, RUN_INFO_LIMITS.commandArgChars)}[+${arg.length - RUN_INFO_LIMITS.commandArgChars + 1} chars]`
        : arg,
    ),
    ...(resume_token === undefined ? {} : { resume_token }),
    ...(error === undefined ? {} : { error: boundHead(error, RUN_INFO_LIMITS.errorChars) }),
  };
}

/**
 * The first problem of a candidate run-info, or null when it is valid. `value` is what a YAML
 * parse gave, so nothing about its shape is assumed.
 */
export function runInfoProblem(value: unknown): { field: string; problem: string } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { field: 'run-info', problem: 'must be a mapping of run-info fields' };
  }
  const info = value as Record<string, unknown>;
  const bad = (field: string, problem: string) => ({ field, problem });
  if (info.version !== 1) return bad('version', `must be 1, got ${JSON.stringify(info.version)}`);
  const segments = [
    ['run_id', SEGMENT_LIMITS.runId],
    ['project_id', SEGMENT_LIMITS.project],
    ['task_id', SEGMENT_LIMITS.agent],
  ] as const;
  for (const [field, max] of segments) {
    const segment = info[field];
    if (typeof segment !== 'string' || !isSafeSegment(segment, max)) {
      return bad(field, `must be 1-${max} letters, digits, '.', '_' or '-'`);
    }
  }
  if (!RUNTIMES.includes(info.runtime as Runtime)) {
    return bad('runtime', `must be one of ${RUNTIMES.join(', ')}`);
  }
  if (!RUN_RECORD_STATUSES.includes(info.status as RunRecordStatus)) {
    return bad('status', `must be one of ${RUN_RECORD_STATUSES.join(', ')}`);
  }
  for (const field of ['pid', 'pgid'] as const) {
    if (info[field] !== null && !isPositiveInt(info[field]))
      return bad(field, 'must be a positive integer or null');
  }
  if (!isIsoTimestamp(info.started_at)) return bad('started_at', 'must be an ISO 8601 UTC timestamp');
  if (info.finished_at !== null && !isIsoTimestamp(info.finished_at)) {
    return bad('finished_at', 'must be an ISO 8601 UTC timestamp or null');
  }
  if (info.exit_code !== null && !isExitCode(info.exit_code)) {
    return bad('exit_code', 'must be a 32-bit integer or null');
  }
  const command = info.command;
  if (!Array.isArray(command) || command.length === 0 || command.length > RUN_INFO_LIMITS.commandArgs) {
    return bad('command', `must be a list of 1-${RUN_INFO_LIMITS.commandArgs} arguments`);
  }
  for (const arg of command as unknown[]) {
    if (typeof arg !== 'string' || arg.length > RUN_INFO_LIMITS.commandArgChars + 32) {
      return bad(
        'command',
        `arguments must be strings of at most ${RUN_INFO_LIMITS.commandArgChars} characters`,
      );
    }
  }
  if (
    typeof info.cwd !== 'string' ||
    !info.cwd.startsWith('/') ||
    info.cwd.length > RUN_INFO_LIMITS.cwdChars
  ) {
    return bad('cwd', `must be an absolute path of at most ${RUN_INFO_LIMITS.cwdChars} characters`);
  }
  if (
    info.resume_token !== undefined &&
    (typeof info.resume_token !== 'string' ||
      info.resume_token.length === 0 ||
      info.resume_token.length > RUN_INFO_LIMITS.resumeTokenChars)
  ) {
    return bad('resume_token', `must be 1-${RUN_INFO_LIMITS.resumeTokenChars} characters`);
  }
  if (
    info.error !== undefined &&
    (typeof info.error !== 'string' || info.error.length > RUN_INFO_LIMITS.errorChars)
  ) {
    return bad('error', `must be a string of at most ${RUN_INFO_LIMITS.errorChars} characters`);
  }
  if (info.status === 'running' && (info.finished_at !== null || info.exit_code !== null)) {
    return bad('status', 'a running run has no finished_at and no exit_code');
  }
  return null;
}

/** The known fields in their canonical order; unknown keys are dropped. */
function pick(value: Record<string, unknown>): RunInfo {
  const out: Record<string, unknown> = {};
  for (const key of KEYS) if (value[key] !== undefined) out[key] = value[key];
  return out as unknown as RunInfo;
}

export type RunInfoParse = { ok: true; info: RunInfo } | { ok: false; problem: string };

/** Parses and validates run-info.yaml text. */
export function parseRunInfo(text: string): RunInfoParse {
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 0, uniqueKeys: true });
  } catch (error) {
    return { ok: false, problem: `not valid YAML (${(error as Error).message.split('\n')[0] ?? ''})` };
  }
  const problem = runInfoProblem(value);
  if (problem) return { ok: false, problem: `${problem.field} ${problem.problem}` };
  return { ok: true, info: pick(value as Record<string, unknown>) };
}

export function serializeRunInfo(info: RunInfo): string {
  return stringify(pick(info as unknown as Record<string, unknown>), { lineWidth: 0 });
}
