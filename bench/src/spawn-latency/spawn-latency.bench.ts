/**
 * spawn → Running with the `command` runtime, against its floor (DESIGN budget: p50 within 1.5×).
 *
 * Subject: POST /api/v1/agents {"runtime":"command","command":["sleep","30"]} on the real control
 * plane (in this process, SQLite file state, temp git repo, reaper.max_concurrent 0 so that no
 * spawn ever queues), sent from a driver process; it answers once the agent is Running. Also
 * timed: until the `agent.started` event arrives on the SSE stream.
 * Floor (the budget's): in the same repo and process, the bare `git worktree add -b` plus
 * child_process.spawn of the same program until 'spawn'. For reference, the seven git commands a
 * prepare() with one git process per check runs (see workspace-floor.ts) plus the spawn.
 * The three alternate (rotating order) sample by sample; every agent is killed (DELETE) and every
 * worktree and branch removed between samples.
 */
import { type BenchContext, type BenchResult, type Benchmark, envInt } from '../lib/benchmark.js';
import { startChild } from '../lib/child.js';
import { startControlPlane, TOKEN } from '../lib/control-plane.js';
import { git } from '../lib/git.js';
import { processesIn } from '../lib/processes.js';
import { median, summarize } from '../lib/stats.js';

import type { DriverRequest, KillResult, SpawnTiming } from './spawn-driver.child.js';
import { type FloorTiming, WorkspaceFloor } from './workspace-floor.js';

const COMMAND = ['sleep', '30'];

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function run(context: BenchContext): Promise<BenchResult> {
  const samples = context.options.quick ? 6 : envInt('FRACTA_BENCH_SPAWN_SAMPLES', 50);
  const warmups = context.options.quick ? 2 : 5;
  const cp = await startControlPlane((config) => ({
    ...config,
    reaper: { ...config.reaper, max_concurrent: 0 },
  }));
  context.defer(() => cp.close());
  const driver = await startChild<DriverRequest, unknown>(
    new URL('./spawn-driver.child.js', import.meta.url),
  );
  context.defer(() => driver.close());
  await driver.call({ op: 'init', url: cp.url, token: TOKEN });
  const direct = new WorkspaceFloor(cp.dir, cp.hostEnv);

  const subject: SpawnTiming[] = [];
  const prepared: FloorTiming[] = [];
  const added: FloorTiming[] = [];
  const killMs: number[] = [];
  let counter = 0;

  const variants = [
    async (keep: boolean) => {
      const name = `agent-${String(counter++)}`;
      const timing = (await driver.call({ op: 'spawn', name, command: COMMAND })) as SpawnTiming;
      const killed = (await driver.call({ op: 'kill', name })) as KillResult;
      if (killed.httpStatus !== 200 || killed.status !== 'stopped') {
        throw new Error(`DELETE ${name}: ${String(killed.httpStatus)} ${killed.status}`);
      }
      if (keep) {
        subject.push(timing);
        killMs.push(killed.ms);
      }
    },
    async (keep: boolean) => {
      const name = `floor-${String(counter++)}`;
      const timing = await direct.prepareAndSpawn(name, COMMAND);
      await direct.remove(name);
      if (keep) prepared.push(timing);
    },
    async (keep: boolean) => {
      const name = `bare-${String(counter++)}`;
      const timing = await direct.addAndSpawn(name, COMMAND);
      await direct.remove(name);
      if (keep) added.push(timing);
    },
  ];

  context.log(`warm-up: ${String(warmups)} of each`);
  for (let i = 0; i < warmups; i++) for (const variant of variants) await variant(false);
  context.log(`${String(samples)} samples of each, alternating`);
  for (let i = 0; i < samples; i++) {
    for (let k = 0; k < variants.length; k++) await variants[(i + k) % variants.length]?.(true);
    if ((i + 1) % 10 === 0) context.log(`${String(i + 1)}/${String(samples)}`);
  }

  // Nothing may be left: no worktree but the main one, no agent branch, no process in the project.
  const worktrees = git(cp.dir, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree ')).length;
  const branches = git(cp.dir, 'branch', '--list', 'feature/*');
  const leftover = processesIn(cp.dir);
  if (worktrees !== 1 || branches !== '' || leftover.length > 0) {
    throw new Error(
      `not cleaned up: ${String(worktrees)} worktrees, branches [${branches}], processes [${leftover.join(', ')}]`,
    );
  }

  const response = summarize(subject.map((t) => t.responseMs));
  const event = summarize(subject.map((t) => t.eventMs));
  const running = summarize(subject.map((t) => t.runningMs));
  const sequence = summarize(prepared.map((t) => t.totalMs));
  const floor = summarize(added.map((t) => t.totalMs));
  const notRunning = subject.filter((t) => t.status !== 'running').length;
  // The budget's floor is the strict one: one `git worktree add` plus the spawn, the same work done
  // directly. The seven-command sequence (one git process per check) is only an explanation row.
  const floorName = 'worktree add + spawn';
  const sequenceName = '7 git commands + spawn';
  return {
    rows: [
      {
        figure: 'spawn → Running (POST answer), p50',
        unit: 'ms',
        subject: response.p50,
        baseline: floor.p50,
        baselineName: floorName,
        budget: { max: 1.5 },
      },
      {
        figure: 'spawn → Running (POST answer), p99',
        unit: 'ms',
        subject: response.p99,
        baseline: floor.p99,
        baselineName: floorName,
      },
      {
        figure: 'spawn → agent.started event, p50',
        unit: 'ms',
        subject: event.p50,
        baseline: floor.p50,
        baselineName: floorName,
      },
      {
        figure: 'spawn → agent.started event, p99',
        unit: 'ms',
        subject: event.p99,
        baseline: floor.p99,
        baselineName: floorName,
      },
      {
        figure: 'spawn → Running, p50 (vs the 7-command sequence)',
        unit: 'ms',
        subject: response.p50,
        baseline: sequence.p50,
        baselineName: sequenceName,
      },
    ],
    notes: [
      `${String(samples)} samples each after ${String(warmups)} warm-ups, order rotated per sample; command: ${COMMAND.join(' ')}`,
      `POST answered "running" ${String(subject.length - notRunning)}/${String(subject.length)} times` +
        (notRunning > 0 ? `; until GET showed running: p50 ${ms(running.p50)}, p99 ${ms(running.p99)}` : ''),
      `floor: worktree add p50 ${ms(median(added.map((t) => t.gitMs)))} + spawn p50 ${ms(median(added.map((t) => t.spawnMs)))}; ` +
        `the ${String(prepared[0]?.gitCommands ?? 0)}-command sequence p50 ${ms(median(prepared.map((t) => t.gitMs)))} + spawn p50 ${ms(median(prepared.map((t) => t.spawnMs)))}`,
      `subject, where the time went (p50, from the events' timestamps): to agent.queued ${ms(median(subject.map((t) => t.split.toQueued)))} (request, checks, worktree add started, agent row), ` +
        `to agent.started ${ms(median(subject.map((t) => t.split.toStarted)))} (rest of the worktree, with the mission claim and run row written meanwhile; run files, process start), to the answer ${ms(median(subject.map((t) => t.split.toAnswer)))} (reply)`,
      `subject min/max ${ms(response.min)}/${ms(response.max)}; floor min/max ${ms(floor.min)}/${ms(floor.max)}; DELETE p50 ${ms(median(killMs))} (not timed against anything)`,
      'cleanup checked: only the main worktree left, no feature/* branch, no process in the project',
    ],
  };
}

export const spawnLatency: Benchmark = {
  name: 'spawn-latency',
  description: 'spawn → Running (command runtime) vs git worktree add + spawn, p50/p99; budget p50 ≤ 1.5×',
  run,
};
