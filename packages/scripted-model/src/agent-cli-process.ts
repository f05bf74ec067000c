/**
 * Running the pinned claude, codex and opencode (this package's devDependencies) as real
 * processes with bounded timeouts, for the tests that drive them against the scripted model:
 * once with stdin closed, or `codex app-server` over JSON-RPC. Every process gets its own process
 * group, and the whole group is killed at the deadline, so no test waits on a CLI that retries.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import type { AgentCli } from './offline-cli.js';

const require = createRequire(import.meta.url);

/** Where each pinned CLI keeps its package.json (literal specifiers, so knip sees the dependencies). */
const PACKAGE_JSON: Readonly<Record<AgentCli, () => string>> = {
  claude: () => require.resolve('@anthropic-ai/claude-code/package.json'),
  codex: () => require.resolve('@openai/codex/package.json'),
  opencode: () => require.resolve('opencode-ai/package.json'),
};

/** The executable the pinned CLI's package declares as its `bin` (not pnpm's shell shim). */
export function agentCliBinary(cli: AgentCli): string {
  const manifestPath = PACKAGE_JSON[cli]();
  const manifest = require(manifestPath) as { bin?: Record<string, string> };
  const bin = manifest.bin?.[cli];
  if (bin === undefined) throw new Error(`${manifestPath} declares no "${cli}" binary`);
  return join(dirname(manifestPath), bin);
}

export interface CliRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** stdout lines that are JSON objects. */
  readonly events: Record<string, unknown>[];
}

export interface CliRunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** The whole process group is killed (SIGKILL) after this long; default 60 s. */
  readonly timeoutMs?: number;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** Runs a pinned CLI once, stdin closed, in its own process group; resolves when it has exited. */
export function runAgentCli(cli: AgentCli, args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(agentCliBinary(cli), args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      killGroup(child);
    }, options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      resolve({ exitCode, signal, stdout, stderr, durationMs, events: jsonLines(stdout) });
    });
  });
}

/** Throws unless the run exited with `exitCode` (not by a signal); the message carries what it printed. */
export function expectExit(result: CliRun, exitCode: number): void {
  if (result.exitCode === exitCode && result.signal === null) return;
  const how = result.signal === null ? `exit code ${result.exitCode}` : `signal ${result.signal}`;
  throw new Error(
    [
      `expected exit code ${exitCode}, got ${how}`,
      `--- stdout (tail) ---\n${result.stdout.slice(-3_000)}`,
      `--- stderr (tail) ---\n${result.stderr.slice(-3_000)}`,
    ].join('\n'),
  );
}

/** One entry of codex's `mcpServerStatus/list` (the fields the tests read). */
export interface McpServerStatus {
  readonly name: string;
  readonly runtimeStatus?: string;
  readonly authStatus?: string;
  readonly toolsError?: string | null;
  readonly tools?: Record<string, unknown>;
}

interface JsonRpcResponse {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: { readonly code?: number; readonly message: string };
}

/** `codex app-server` (plus `args`): JSON-RPC over stdio, one JSON object per line. */
export class CodexAppServer {
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #pending = new Map<number, (response: JsonRpcResponse) => void>();
  #nextId = 0;
  #stderr = '';

  constructor(options: CliRunOptions & { readonly args?: readonly string[] }) {
    this.#child = spawn(agentCliBinary('codex'), ['app-server', ...(options.args ?? [])], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.#child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      let message: Partial<JsonRpcResponse>;
      try {
        message = JSON.parse(line) as Partial<JsonRpcResponse>;
      } catch {
        return;
      }
      if (typeof message.id !== 'number') return; // a notification
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      waiter?.(message as JsonRpcResponse);
    });
  }

  request(method: string, params: unknown, timeoutMs = 30_000): Promise<unknown> {
    const id = (this.#nextId += 1);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new Error(
            `codex app-server: no answer to ${method} in ${timeoutMs} ms; stderr: ${this.#stderr.slice(-1_000)}`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(id, (response) => {
        clearTimeout(timer);
        if (response.error) reject(new Error(`${method}: ${response.error.message}`));
        else resolve(response.result);
      });
      this.#child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /**
   * `mcpServerStatus/list` (of the thread, when given), asked again while a server is still
   * `starting` (codex connects in the background), up to `timeoutMs`; the last answer either way.
   */
  async mcpServerStatus(threadId?: string, timeoutMs = 15_000): Promise<McpServerStatus[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = (await this.request(
        'mcpServerStatus/list',
        threadId === undefined ? {} : { threadId },
      )) as {
        data: McpServerStatus[];
      };
      const starting = answer.data.some((server) => server.runtimeStatus === 'starting');
      if (!starting || Date.now() >= deadline) return answer.data;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  notify(method: string): void {
    this.#child.stdin.write(`${JSON.stringify({ method })}\n`);
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) resolve();
      else
        this.#child.once('exit', () => {
          resolve();
        });
    });
    killGroup(this.#child);
    await exited;
  }
}
