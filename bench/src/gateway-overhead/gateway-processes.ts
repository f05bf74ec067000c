/**
 * The parts around the gateway benchmark: the built gateway (`apps/gateway/dist/main.js`, its own
 * process, exactly as the control plane will run it), the gateway's backend fixtures (SDK v2 MCP
 * servers from apps/gateway/test/fixtures), and agents with real gateway tokens.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const gatewayDir = dirname(require.resolve('gateway/package.json'));
const GATEWAY_MAIN = join(gatewayDir, 'dist', 'main.js');
export const STDIO_BACKEND = join(gatewayDir, 'test', 'fixtures', 'stdio-backend.mjs');
const HTTP_BACKEND = join(gatewayDir, 'test', 'fixtures', 'http-backend.mjs');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export interface Child {
  readonly pid: number;
  readonly output: () => string;
  stop(): Promise<void>;
}

function startProcess(
  args: readonly string[],
  env: Record<string, string>,
  ready: (output: string) => boolean,
  what: string,
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const handle: Child = {
    pid: child.pid ?? 0,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
  return waitFor(() => ready(output) || child.exitCode !== null, what).then(() => {
    if (child.exitCode !== null) throw new Error(`${what}: exited ${String(child.exitCode)}: ${output}`);
    return handle;
  });
}

/** The streamable-HTTP fixture keeping a session per client (one server per session, JSON answers). */
export async function startHttpBackend(label: string): Promise<Child & { readonly url: string }> {
  const child = await startProcess(
    [HTTP_BACKEND, '0'],
    { FIXTURE_LABEL: label, FIXTURE_SESSIONS: '1' },
    (out) => out.includes('"port"'),
    `the ${label} backend`,
  );
  const { port } = JSON.parse(child.output().split('\n')[0] ?? '{}') as { port: number };
  return { ...child, url: `http://127.0.0.1:${String(port)}/mcp` };
}

/**
 * The gateway process. FRACTA_BENCH_GATEWAY_NODE_ARGS adds Node options to it, e.g.
 * "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the gateway alone (written when it stops).
 */
export async function startGateway(env: Record<string, string>): Promise<Child> {
  const nodeArgs = (process.env.FRACTA_BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  return startProcess(
    [...nodeArgs, GATEWAY_MAIN],
    { LOG_LEVEL: 'info', ...env },
    (out) => out.includes('"gateway listening"'),
    'the gateway',
  );
}

/** Resident set of a process, from /proc (bytes). */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? '0') * 1024;
}

/** CPU time a process has used so far, in ms (from /proc; 10 ms ticks): user and system (kernel). */
export function cpuMsOf(pid: number): { readonly user: number; readonly system: number } {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name.
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

function environOf(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

function isLive(pid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Live processes whose environment has `NAME=value` lines `lines` (all of them). */
export function processesWithEnv(lines: readonly string[]): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && isLive(entry))
    .filter((entry) => {
      const environ = environOf(entry);
      return lines.every((line) => environ.includes(line));
    })
    .map(Number);
}

/** The gateway token the control plane gave an agent (read from its process, as the tests do). */
export async function tokenOf(agent: string, runsRoot: string): Promise<string> {
  let token: string | undefined;
  await waitFor(async () => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const environ = environOf(entry);
      if (!environ.includes(`FRACTA_AGENT=${agent}`)) continue;
      if (!environ.some((line) => line.startsWith(`FRACTA_RUN_DIR=${runsRoot}`))) continue;
      token = environ
        .find((line) => line.startsWith('FRACTA_GATEWAY_TOKEN='))
        ?.slice('FRACTA_GATEWAY_TOKEN='.length);
      if (token !== undefined) return true;
    }
    await Promise.resolve();
    return false;
  }, `the gateway token of ${agent}`);
  return token ?? '';
}

export async function startsOf(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').length;
}
