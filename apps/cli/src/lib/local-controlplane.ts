/**
 * Starting, stopping and finding the local control plane: a detached `fracta-controlplane`
 * process in the project root, its pid in .fracta/controlplane.pid, its log in .fracta/logs/.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ControlPlaneClient, ControlPlaneUnreachableError } from '@fracta/api-contract';
import { ValidationError } from '@fracta/domain';

import { tokenFor, type Project } from './project.js';

export function controlPlaneEntry(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('controlplane/package.json');
  const { bin } = require('controlplane/package.json') as { bin: Record<string, string> };
  return join(dirname(manifest), bin['fracta-controlplane'] ?? 'dist/main.js');
}

/** The agent gateway's entry script, which the local control plane runs as its child. */
function gatewayEntry(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('gateway/package.json');
  const { bin } = require('gateway/package.json') as { bin: Record<string, string> };
  return join(dirname(manifest), bin['fracta-gateway'] ?? 'dist/main.js');
}

/** The environment the local control plane starts with: this one, plus where its config and gateway are. */
export function controlPlaneEnv(project: Project, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    FRACTA_GATEWAY_ENTRY: env.FRACTA_GATEWAY_ENTRY ?? gatewayEntry(),
    ...(project.configPath ? { FRACTA_CONFIG: project.configPath } : {}),
  };
}

export async function readPid(project: Project): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(project.pidFile, 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function isServing(project: Project, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    // Short timeout: something else listening on the port must not stall the caller.
    const probe = new ControlPlaneClient({
      baseUrl: project.baseUrl,
      token: (await tokenFor(project, env)) ?? '',
      timeoutMs: 1_000,
    });
    await probe.health();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts this project's local control plane in the background when it does not answer (progress
 * lines go to `progress`); a shared one (control_plane_api.url) is left alone. Every command that
 * talks to the control plane, and `fracta serve`, calls this first.
 */
export async function ensureRunning(
  project: Project,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<void> {
  if (project.local && !(await isServing(project, env))) await startInBackground(project, env, progress);
}

/**
 * Runs in a short-lived launcher process: starts the control plane detached (its own session,
 * stdout and stderr to the log) and prints its pid. The launcher exits at once, so the control
 * plane is nobody's child: a host AI CLI that kills `fracta serve` and all its descendants when it
 * quits leaves the control plane (and the agents it supervises) running.
 */
const LAUNCHER = `
const { spawn } = require('node:child_process');
const { openSync } = require('node:fs');
const [entry, logFile] = process.argv.slice(1);
const log = openSync(logFile, 'a', 0o600);
const child = spawn(process.execPath, [entry], { detached: true, stdio: ['ignore', log, log] });
child.unref();
process.stdout.write(String(child.pid));
`;

async function launch(project: Project, env: NodeJS.ProcessEnv): Promise<number> {
  const launcher = spawn(process.execPath, ['-e', LAUNCHER, controlPlaneEntry(), project.logFile], {
    cwd: project.root,
    env: controlPlaneEnv(project, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  launcher.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  launcher.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    launcher.once('error', reject);
    launcher.once('close', resolve);
  });
  const pid = Number(out.trim());
  if (code !== 0 || !Number.isInteger(pid) || pid <= 0) {
    throw new ControlPlaneUnreachableError(
      `could not start the control plane (launcher exit ${code ?? 'signal'}): ${err.trim().split('\n').slice(-3).join(' | ') || 'no output'}`,
    );
  }
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts it in the background and waits until /healthz answers; a failed start shows its log. */
export async function startInBackground(
  project: Project,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
  timeoutMs = 20_000,
): Promise<number> {
  if (!project.local) {
    throw new ValidationError(
      'CONTROL_PLANE_REMOTE',
      `this project uses the shared control plane at ${project.baseUrl} (control_plane_api.url): there is nothing to start here`,
    );
  }
  await mkdir(dirname(project.logFile), { recursive: true });
  const pid = await launch(project, env);
  progress(`starting the control plane (pid ${pid}, log ${project.logFile})`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isServing(project, env)) return pid;
    if (!alive(pid)) {
      const tail = (await readFile(project.logFile, 'utf8').catch(() => ''))
        .trim()
        .split('\n')
        .slice(-3)
        .join(' | ');
      throw new ControlPlaneUnreachableError(
        `the control plane exited while starting: ${tail || 'nothing in its log'}`,
      );
    }
    await sleep(100);
  }
  throw new ControlPlaneUnreachableError(
    `the control plane did not answer at ${project.baseUrl} within ${timeoutMs / 1000} s: see ${project.logFile}`,
  );
}

/** SIGTERM, then waits for the process to go (SIGKILL after `graceMs`). */
export async function stop(project: Project, graceMs = 10_000): Promise<number | undefined> {
  const pid = await readPid(project);
  if (pid === undefined) return undefined;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      await rm(project.pidFile, { force: true });
      return pid;
    }
    await sleep(100);
  }
  process.kill(pid, 'SIGKILL');
  await rm(project.pidFile, { force: true });
  return pid;
}
