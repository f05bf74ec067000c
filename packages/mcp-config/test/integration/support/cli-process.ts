import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

import { expect } from '@jest/globals';

export type AgentCliName = 'claude' | 'codex' | 'opencode';

const require = createRequire(import.meta.url);

/** Where each pinned CLI (a devDependency of this package) keeps its package.json. */
const PACKAGE_JSON: Readonly<Record<AgentCliName, string>> = {
  claude: require.resolve('@anthropic-ai/claude-code/package.json'),
  codex: require.resolve('@openai/codex/package.json'),
  opencode: require.resolve('opencode-ai/package.json'),
};

/** The executable the pinned CLI's package declares as its `bin`. */
function cliBinary(cli: AgentCliName): string {
  const manifest = require(PACKAGE_JSON[cli]) as { bin: Record<string, string> };
  const bin = manifest.bin[cli];
  if (bin === undefined) throw new Error(`${PACKAGE_JSON[cli]} declares no "${cli}" binary`);
  return join(dirname(PACKAGE_JSON[cli]), bin);
}

export interface CliRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout lines that are JSON objects. */
  readonly events: Record<string, unknown>[];
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

function kill(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs a CLI once, stdin closed, in its own process group, killed (group) after the timeout. */
export function runCli(cli: AgentCliName, args: readonly string[], options: RunOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cliBinary(cli), args, {
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
      kill(child.pid);
    }, options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
      resolve({ exitCode, signal, stdout, stderr, events });
    });
  });
}

/** Asserts the exit code; on a mismatch the diff shows what the CLI printed. */
export function expectExit(result: CliRun, exitCode: number): void {
  expect({
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: result.stdout.slice(-3_000),
    stderr: result.stderr.slice(-3_000),
  }).toEqual({
    exitCode,
    signal: null,
    stdout: expect.any(String),
    stderr: expect.any(String),
  });
}

interface JsonRpcResponse {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string };
}

/** `codex app-server`: JSON-RPC over stdio, one JSON object per line. */
export class CodexAppServer {
  readonly #child: ReturnType<typeof spawn>;
  readonly #pending = new Map<number, (response: JsonRpcResponse) => void>();
  #nextId = 0;
  #stderr = '';

  constructor(args: readonly string[], options: RunOptions) {
    this.#child = spawn(cliBinary('codex'), ['app-server', ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
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

  request(method: string, params: unknown, timeoutMs = 20_000): Promise<unknown> {
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
      this.#child.stdin?.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  notify(method: string): void {
    this.#child.stdin?.write(`${JSON.stringify({ method })}\n`);
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) resolve();
      else
        this.#child.once('exit', () => {
          resolve();
        });
    });
    kill(this.#child.pid);
    await exited;
  }
}
