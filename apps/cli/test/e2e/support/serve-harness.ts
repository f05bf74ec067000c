/**
 * What the `fracta serve` end-to-end tests share: a temp git repository with its own free
 * control-plane port, the built `fracta` binary as a real child process, an SDK v2 client
 * connected to `fracta serve` over stdio, and a `fracta` executable on PATH for the host CLIs.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ControlPlaneClient } from '@fracta/api-contract';
import { freePort } from '@fracta/testing';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { BIN, fracta } from './fracta-cli.js';

const run = promisify(execFile);

export interface Project {
  /** The temp directory holding everything (removed by dispose). */
  readonly root: string;
  /** The git repository, with fracta.yaml and one commit on main. */
  readonly dir: string;
  readonly port: number;
  git(...args: string[]): Promise<string>;
  /** A client of its control plane (reads the token the control plane wrote). */
  controlPlane(): Promise<ControlPlaneClient>;
  /** Stops its control plane and removes the temp directory. */
  dispose(): Promise<void>;
}

export async function createProject(prefix: string, extraConfig = ''): Promise<Project> {
  const root = await realpath(await mkdtemp(join(tmpdir(), `fracta-${prefix}-`)));
  const dir = join(root, 'project');
  const port = await freePort();
  await run('git', ['init', '-q', '-b', 'main', dir]);
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir })).stdout;
  // In the repository's own config, so the agents' commits in their worktrees have an author too.
  await git('config', 'user.name', 'fracta-test');
  await git('config', 'user.email', 'test@fracta.invalid');
  await writeFile(join(dir, 'README.md'), '# demo\n');
  await writeFile(
    join(dir, 'fracta.yaml'),
    `control_plane_api:\n  listen: 127.0.0.1:${port}\ngateway:\n  managed: false\nobservability:\n  log_level: warn\n${extraConfig}`,
  );
  await writeFile(join(dir, '.gitignore'), '.fracta/\n.worktrees/\n');
  await git('add', '.');
  await git('commit', '-qm', 'initial');
  return {
    root,
    dir,
    port,
    git,
    async controlPlane() {
      const token = (await readFile(join(dir, '.fracta', 'controlplane.token'), 'utf8')).trim();
      return new ControlPlaneClient({ baseUrl: `http://127.0.0.1:${port}`, token });
    },
    async dispose() {
      await fracta(dir, ['controlplane', 'stop']);
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface ServeSession {
  readonly client: Client;
  readonly transport: StdioClientTransport;
  /** What `fracta serve` wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** `fracta serve` started by the SDK v2 client over stdio, in `cwd`. */
export async function connectServe(
  cwd: string,
  options: { env?: Record<string, string>; era?: 'legacy' | 'modern' } = {},
): Promise<ServeSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'serve'],
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...options.env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client(
    { name: 'fracta-serve-e2e', version: '1.0.0' },
    options.era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

/** The text of a tool result's first content block. */
export function textOf(result: { content?: unknown }): string {
  const [first] = (result.content ?? []) as { type: string; text?: string }[];
  return first?.type === 'text' ? (first.text ?? '') : '';
}

/**
 * A directory with a `fracta` executable that runs the built CLI with this Node: what
 * `fracta` on PATH is for a user, so the host CLIs get the documented `fracta serve` verbatim.
 */
export async function fractaOnPath(root: string): Promise<string> {
  const binDir = join(root, 'bin');
  await mkdir(binDir, { recursive: true });
  const shim = join(binDir, 'fracta');
  await writeFile(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  await chmod(shim, 0o755);
  return binDir;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
