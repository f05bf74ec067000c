// Start latency of LocalProcessBackend.start() against its floor, measured in the same run:
//   bare   child_process.spawn of the same program with the same stdio files, until 'spawn'
//   start  LocalProcessBackend.start() until it resolves (the agent counts as Running)
//   git    `git worktree add` in a fresh temp repo (the other half of the product's floor)
//   first  the same program's first output line (`sh -c 'echo up; exec sleep 30'`), bare vs start():
//          when the program really runs, after the supervisor has booted (not part of the budget)
// Budget (DESIGN): spawn→Running p50 within 1.5× of "git worktree add + bare spawn".
//   pnpm bench            (builds first: it uses dist/)
//   node bench/start-latency.bench.mjs [runs]
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { LocalProcessBackend } from '../dist/index.js';

const runs = Number(process.argv[2] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'fracta-start-bench-'));
const env = { PATH: '/usr/bin:/bin' };
const command = 'sleep';
const args = ['30'];
const program = execFileSync('sh', ['-c', `command -v ${command}`], { env, encoding: 'utf8' }).trim();
const stdoutPath = join(dir, 'out.txt');
const backend = new LocalProcessBackend({ stateDir: join(dir, 'state') });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const p90 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];

async function bare() {
  const started = performance.now();
  const fd = openSync(stdoutPath, 'a', 0o600);
  const child = spawn(program, args, { cwd: dir, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const elapsed = performance.now() - started;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
  return elapsed;
}

async function viaBackend() {
  const spec = { agent: 'bench', run: 'r', command, args, cwd: dir, env, stdoutPath, stderrPath: stdoutPath };
  const started = performance.now();
  const handle = await backend.start(spec);
  const elapsed = performance.now() - started;
  await backend.stop(handle, 0);
  await backend.wait(handle);
  await backend.forget(handle);
  return elapsed;
}

const shArgs = ['-c', 'echo up; exec sleep 30'];
const shPath = execFileSync('sh', ['-c', 'command -v sh'], { env, encoding: 'utf8' }).trim();
let outputs = 0;

/** Resolves when `path` (created empty) first changes. */
function firstWrite(path) {
  writeFileSync(path, '');
  let watcher;
  const changed = new Promise((resolve) => {
    watcher = watch(path, () => resolve(performance.now()));
  });
  return { changed, close: () => watcher.close() };
}

async function bareFirstOutput() {
  const path = join(dir, `first-${outputs++}.txt`);
  const write = firstWrite(path);
  const started = performance.now();
  const fd = openSync(path, 'a', 0o600);
  const child = spawn(shPath, shArgs, { cwd: dir, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const elapsed = (await write.changed) - started;
  write.close();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
  return elapsed;
}

async function backendFirstOutput() {
  const path = join(dir, `first-${outputs++}.txt`);
  const write = firstWrite(path);
  const spec = {
    agent: 'bench',
    run: 'r',
    command: 'sh',
    args: shArgs,
    cwd: dir,
    env,
    stdoutPath: path,
    stderrPath: path,
  };
  const started = performance.now();
  const handle = await backend.start(spec);
  const elapsed = (await write.changed) - started;
  write.close();
  await backend.stop(handle, 0);
  await backend.wait(handle);
  await backend.forget(handle);
  return elapsed;
}

let repo;
let worktrees = 0;
function gitWorktreeAdd() {
  const started = performance.now();
  const name = `wt-${worktrees++}`;
  execFileSync('git', ['-C', repo, 'worktree', 'add', '-q', '-b', `feature/${name}`, join(dir, name)], {
    stdio: 'ignore',
  });
  return performance.now() - started;
}

try {
  repo = join(dir, 'repo');
  execFileSync('git', ['init', '-q', repo]);
  for (let file = 0; file < 20; file++) execFileSync('sh', ['-c', `echo ${file} > ${repo}/f${file}.txt`]);
  execFileSync('git', ['-C', repo, 'add', '.']);
  execFileSync('git', ['-C', repo, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'init']);

  const results = { bare: [], start: [], git: [], 'first bare': [], 'first start': [] };
  for (let warm = 0; warm < 5; warm++) {
    await bare();
    await viaBackend();
  }
  // interleaved so that machine noise hits both alike
  for (let run = 0; run < runs; run++) {
    results.bare.push(await bare());
    results.start.push(await viaBackend());
    results.git.push(gitWorktreeAdd());
    results['first bare'].push(await bareFirstOutput());
    results['first start'].push(await backendFirstOutput());
  }
  const m = Object.fromEntries(Object.entries(results).map(([key, values]) => [key, median(values)]));
  const fmt = (value) => `${value.toFixed(2)} ms`;
  console.log(`runs: ${runs}, program: ${program} ${args.join(' ')}, node ${process.version}`);
  for (const key of Object.keys(results)) {
    console.log(
      `${key.padEnd(11)} p50 ${fmt(m[key]).padStart(10)}  p90 ${fmt(p90(results[key])).padStart(10)}`,
    );
  }
  const floor = m.git + m.bare;
  const ours = m.git + m.start;
  console.log(`start() - bare spawn: ${fmt(m.start - m.bare)} (${(m.start / m.bare).toFixed(2)}× bare)`);
  console.log(
    `git worktree add + start(): ${fmt(ours)} vs floor git worktree add + bare spawn: ${fmt(floor)}: ${(ours / floor).toFixed(2)}× (budget 1.5×)`,
  );
  console.log(
    `program's first output: ${fmt(m['first start'] - m['first bare'])} later than bare (supervisor boot)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
