/**
 * `pnpm bench [--quick] [--list] [name...]`: runs the benchmarks (all, or those named) one after
 * the other and prints one table of figures beside their baselines. Progress goes to stderr, the
 * table to stdout. Exits 0 whatever the numbers (benchmarks are not timed tests); 1 only when a
 * benchmark could not run.
 */
import { arch, cpus, platform } from 'node:os';

import { benchmarks } from './benchmarks.js';
import type { BenchContext } from './lib/benchmark.js';
import { type Outcome, renderSummary } from './lib/summary-table.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((arg) => !arg.startsWith('--'));

if (args.includes('--list') || args.includes('--help')) {
  console.log('pnpm bench [--quick] [name...]\n');
  for (const benchmark of benchmarks) console.log(`  ${benchmark.name.padEnd(16)} ${benchmark.description}`);
  process.exit(0);
}
const unknown = names.filter((name) => !benchmarks.some((benchmark) => benchmark.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = names.length === 0 ? benchmarks : benchmarks.filter((b) => names.includes(b.name));

let cleanups: (() => Promise<void> | void)[] = [];
async function runCleanups(): Promise<void> {
  const pending = cleanups.reverse();
  cleanups = [];
  for (const cleanup of pending) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`[bench] cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n[bench] ${signal}: cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  });
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.error(
  `[bench] node ${process.version}, ${platform()}/${arch()}, ${String(cpus().length)} × ${cpu}${quick ? ', --quick (not for reading)' : ''}`,
);
const outcomes: Outcome[] = [];
for (const benchmark of selected) {
  const started = Date.now();
  const context: BenchContext = {
    options: { quick },
    log: (message) => {
      console.error(`[${benchmark.name}] ${message}`);
    },
    defer: (cleanup) => cleanups.push(cleanup),
  };
  try {
    outcomes.push({ name: benchmark.name, result: await benchmark.run(context) });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    console.error(`[${benchmark.name}] failed: ${failure.stack ?? failure.message}`);
    outcomes.push({ name: benchmark.name, error: failure });
  } finally {
    await runCleanups();
  }
  console.error(`[${benchmark.name}] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log(`\n${renderSummary(outcomes)}`);
process.exitCode = outcomes.some((outcome) => outcome.error !== undefined) ? 1 : 0;
