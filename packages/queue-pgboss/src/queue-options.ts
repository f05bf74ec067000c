/**
 * Settings of PgBossMissionQueue: what a caller may give, the defaults, and the checks (one
 * ValidationError QUEUE_OPTIONS_INVALID listing every problem). Times are in the unit their name
 * says; the pg-boss bounds they inherit are noted on each.
 */
import { ValidationError } from '@fracta/domain';
import { z } from 'zod';

export interface RetryOptions {
  /** Deliveries after the first, for transient errors, lost leases and stops together. Default 10. */
  readonly limit?: number;
  /** Delay before a retry, whole seconds (pg-boss retryDelay). Default 1. */
  readonly delaySeconds?: number;
  /** Exponential backoff from `delaySeconds` (about ×2 per retry, with jitter). Default true. */
  readonly backoff?: boolean;
  /** Cap on the backoff delay, seconds. Default 60. */
  readonly maxDelaySeconds?: number;
}

export interface QueueTuning {
  /** pg-boss schema (created on first start). Lower-case identifier. Default `pgboss`. */
  readonly schema?: string;
  /** Queue name inside the schema. Default `fracta-missions`. */
  readonly queue?: string;
  /** Connections in pg-boss's pool (two more are held for LISTEN). Default 10. */
  readonly poolMax?: number;
  readonly connectTimeoutMs?: number;
  /**
   * How long a worker holds a mission without a heartbeat reaching Postgres before the mission
   * may be re-dispatched (pg-boss queue heartbeatSeconds; pg-boss requires ≥ 10). Default 30.
   */
  readonly leaseSeconds?: number;
  /** How often running missions' leases are renewed; below leaseSeconds. Default leaseSeconds / 3. */
  readonly heartbeatSeconds?: number;
  /**
   * Longest one delivery may stay claimed, heartbeats or not (pg-boss expireInSeconds, ≤ 24 h).
   * Past it the mission is re-dispatched (the control plane then adopts the running process).
   * Default 86 400.
   */
  readonly maxRunSeconds?: number;
  /** Polling backstop behind LISTEN/NOTIFY, ms (≥ 100). Default 2 000. */
  readonly pollIntervalMs?: number;
  /** Most jobs claimed by one fetch. Default 50. */
  readonly fetchBatchMax?: number;
  readonly retry?: RetryOptions;
  /**
   * Run pg-boss's supervisor here (it re-dispatches missions whose lease expired; any number of
   * processes may run it, it takes a lock). Default true.
   */
  readonly supervise?: boolean;
  /** How often the supervisor looks for expired leases, seconds (≥ 1). Default 10. */
  readonly superviseIntervalSeconds?: number;
  /** stop(): how long to wait for aborted handlers before releasing their missions anyway. Default 30 000. */
  readonly stopTimeoutMs?: number;
}

export interface ResolvedQueueOptions {
  readonly url: string;
  readonly schema: string;
  readonly queue: string;
  readonly poolMax: number;
  readonly connectTimeoutMs: number;
  readonly leaseSeconds: number;
  readonly heartbeatMs: number;
  readonly maxRunSeconds: number;
  readonly pollIntervalMs: number;
  readonly fetchBatchMax: number;
  readonly retry: Required<RetryOptions>;
  readonly supervise: boolean;
  readonly superviseIntervalSeconds: number;
  readonly stopTimeoutMs: number;
}

const PG_BOSS_MAX_SECONDS = 24 * 60 * 60;
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

const schema = z
  .object({
    url: z
      .string()
      .refine((url) => /^postgres(ql)?:\/\//.test(url), 'must be a postgres:// or postgresql:// URL'),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,47}$/, 'must be a lower-case identifier (letters, digits, _)')
      .default('pgboss'),
    queue: z
      .string()
      .regex(/^[\w.\-/]{1,100}$/, 'may hold letters, digits, _ . - / (pg-boss queue names)')
      .default('fracta-missions'),
    poolMax: int(2, 1000).default(10),
    connectTimeoutMs: int(100, 600_000).default(5_000),
    leaseSeconds: int(10, PG_BOSS_MAX_SECONDS).default(30),
    heartbeatSeconds: z.number().positive().optional(),
    maxRunSeconds: int(1, PG_BOSS_MAX_SECONDS).default(PG_BOSS_MAX_SECONDS),
    pollIntervalMs: int(100, 3_600_000).default(2_000),
    fetchBatchMax: int(1, 1_000).default(50),
    retry: z
      .object({
        limit: int(0, 1_000).default(10),
        delaySeconds: int(0, PG_BOSS_MAX_SECONDS).default(1),
        backoff: z.boolean().default(true),
        maxDelaySeconds: int(1, PG_BOSS_MAX_SECONDS).default(60),
      })
      .strict()
      .default({ limit: 10, delaySeconds: 1, backoff: true, maxDelaySeconds: 60 }),
    supervise: z.boolean().default(true),
    superviseIntervalSeconds: int(1, 3_600).default(10),
    stopTimeoutMs: int(0, 3_600_000).default(30_000),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.heartbeatSeconds !== undefined && value.heartbeatSeconds >= value.leaseSeconds) {
      context.addIssue({
        code: 'custom',
        path: ['heartbeatSeconds'],
        message: `must be below leaseSeconds (${value.leaseSeconds}), or a late heartbeat loses the lease`,
      });
    }
  });

/** Applies the defaults and checks everything at once; ValidationError QUEUE_OPTIONS_INVALID otherwise. */
export function resolveQueueOptions(options: QueueTuning & { readonly url: string }): ResolvedQueueOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`,
    );
    throw new ValidationError(
      'QUEUE_OPTIONS_INVALID',
      `invalid mission queue options: ${problems.join('; ')}`,
      {
        problems,
      },
    );
  }
  const { heartbeatSeconds, ...rest } = parsed.data;
  return Object.freeze({
    ...rest,
    retry: Object.freeze({ ...rest.retry }),
    heartbeatMs: Math.round((heartbeatSeconds ?? rest.leaseSeconds / 3) * 1000),
  });
}
