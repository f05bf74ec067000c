/**
 * What a benchmark is to the runner (main.ts): a name, and a run() that measures its subject and
 * the subject's baseline in the same run and returns rows of "figure: subject beside baseline".
 * A row may carry a budget on the ratio subject / baseline; the runner prints whether it holds
 * but never fails on a number (benchmarks are not timed tests).
 */

/** A bound on subject / baseline: `max` for costs (latency), `min` for rates (req/s). */
type Budget = { readonly max: number } | { readonly min: number };

export interface Row {
  /** What is measured, e.g. `spawn → Running, p50`. */
  readonly figure: string;
  readonly unit: 'ms' | 'req/s' | 'MiB' | 'count';
  readonly subject: number;
  /** The baseline's value; null for a figure reported without one. */
  readonly baseline: number | null;
  /** What the baseline is, e.g. `git + spawn`. */
  readonly baselineName: string;
  readonly budget?: Budget;
}

export interface BenchResult {
  readonly rows: readonly Row[];
  /** Lines printed under the benchmark's part of the summary (method, sample counts, checks). */
  readonly notes?: readonly string[];
}

interface BenchOptions {
  /** A short run (few samples, short durations) to check that a benchmark works, not to read it. */
  readonly quick: boolean;
}

export interface BenchContext {
  readonly options: BenchOptions;
  /** Progress on stderr, prefixed with the benchmark's name. */
  log(message: string): void;
  /** Registers cleanup that runs when the benchmark ends, fails or is interrupted (last in, first out). */
  defer(cleanup: () => Promise<void> | void): void;
}

export interface Benchmark {
  /** Kebab-case, used to pick it on the command line (`pnpm bench spawn-latency`). */
  readonly name: string;
  /** One line for `pnpm bench --list`. */
  readonly description: string;
  run(context: BenchContext): Promise<BenchResult>;
}

/** subject / baseline, or null without a baseline. */
export function ratioOf(row: Row): number | null {
  return row.baseline === null || row.baseline === 0 ? null : row.subject / row.baseline;
}

/** Whether the row's budget holds; null when it has none. */
export function budgetHolds(row: Row): boolean | null {
  const ratio = ratioOf(row);
  if (row.budget === undefined || ratio === null) return null;
  return 'max' in row.budget ? ratio <= row.budget.max : ratio >= row.budget.min;
}

/** An integer from the environment (FRACTA_BENCH_*), else the default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}=${raw}: expected a positive integer`);
  return value;
}
