/**
 * Running the pinned claude, codex and opencode (devDependencies of this package) as real
 * processes with bounded timeouts: once with stdin closed, or `codex app-server` over JSON-RPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export type HostCli = 'claude' | 'codex' | 'opencode';

const require = createRequire(import.meta.url);

/** Where each pinned CLI keeps its package.json (literal specifiers, so knip sees the devDependencies). */
const PACKAGE_JSON: Readonly<Record<HostCli, string>> = {
  claude: require.resolve('@anthropic-ai/claude-code/package.json'),
  codex: require.resolve('@openai/codex/package.json'),
  opencode: require.resolve('opencode-ai/package.json'),
};

/** The executable the pinned CLI's package declares (not pnpm's shell shim). */
function cliBinary(cli: HostCli): string {
  const manifest = require(PACKAGE_JSON[cli]) as { bin: Record<string, string> };
  return join(dirname(PACKAGE_JSON[cli]), manifest.bin[cli] ?? '');
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout lines that are JSON objects. */
  readonly events: Record<string, unknown>[];
}

export interface CliOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
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

/** Runs a CLI once, stdin closed, in its own process group, killed (group) after the timeout. */
export function runCli(cli: HostCli, args: readonly string[], options: CliOptions): Promise<CliRun> {
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
      killGroup(child);
    }, options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
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
      resolve({ code, signal, stdout, stderr, events });
    });
  });
}

interface JsonRpcResponse {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

/** `codex app-server`: JSON-RPC over stdio, one JSON object per line. */
export class CodexAppServer {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (response: JsonRpcResponse) => void>();
  #nextId = 0;
  #stderr = '';

  constructor(options: CliOptions) {
    this.#child = spawn(cliBinary('codex'), ['app-server'], {
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
    killGroup(this.#child);
    await exited;
  }
}
