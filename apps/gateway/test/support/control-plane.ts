/**
 * The real control plane for the gateway's tests: `apps/controlplane/dist/main.js` as a child
 * process in a temp project with a fracta.yaml (SQLite state, directory workspaces, no
 * concurrency cap), on a free port. Agents run with the `command` runtime, so each gets a real
 * gateway token, read from its process environment as the control plane's own e2e tests do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ControlPlaneClient, type AgentView } from '@fracta/api-contract';

import { processesWithEnv, readEnviron, waitFor } from './processes.js';

export const CP_TOKEN = 'gateway-tests-cp-token-0123456789abcdef';

const require = createRequire(import.meta.url);

/** The control plane's entry point, from its package's bin (built before these tests by turbo). */
function controlPlaneMain(): string {
  const manifest = require.resolve('controlplane/package.json');
  const bin = (require(manifest) as { bin: Record<string, string> }).bin;
  return join(dirname(manifest), bin['fracta-controlplane'] ?? 'dist/main.js');
}

export interface TestProject {
  readonly dir: string;
  /** Unique per test file: agents' processes carry it as FRACTA_PROJECT. */
  readonly name: string;
  readonly configPath: string;
}

/** A temp project with `fracta.yaml` = the YAML given (plus the control plane's section). */
export async function makeProject(yaml: (dir: string) => string, cpPort: number): Promise<TestProject> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'fracta-gw-')));
  const name = `gw-${Math.random().toString(36).slice(2, 10)}`;
  const configPath = join(dir, 'fracta.yaml');
  await writeFile(
    configPath,
    [
      `project:\n  name: ${name}`,
      `control_plane_api:\n  listen: 127.0.0.1:${cpPort}\n  token: ${CP_TOKEN}`,
      'runtime:\n  workspace_kind: directory\n  stop_grace: 2s',
      'reaper:\n  max_concurrent: 0',
      yaml(dir),
    ].join('\n'),
  );
  return { dir, name, configPath };
}

export interface RunningControlPlane {
  readonly url: string;
  readonly client: ControlPlaneClient;
  readonly project: TestProject;
  /** Spawns a `command` agent (`sleep`) and returns its gateway token once it runs. */
  spawnAgent(name: string, options?: { parent?: string }): Promise<string>;
  kill(name: string): Promise<AgentView>;
  /** Kills every agent still live, stops the process, removes the project. */
  close(): Promise<void>;
}

export async function startControlPlane(project: TestProject, port: number): Promise<RunningControlPlane> {
  const child: ChildProcess = spawn(process.execPath, [controlPlaneMain()], {
    cwd: project.dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: project.dir,
      FRACTA_CONFIG: project.configPath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const client = new ControlPlaneClient({ baseUrl: url, token: CP_TOKEN });
  try {
    await waitFor(
      () => output.includes('"controlplane listening"'),
      `the control plane to listen (output: ${output})`,
      20_000,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const spawned = new Set<string>();

  async function tokenOf(agent: string): Promise<string> {
    let token: string | undefined;
    await waitFor(async () => {
      for (const pid of processesWithEnv({ FRACTA_AGENT: agent, FRACTA_PROJECT: project.name })) {
        token = (await readEnviron(pid)).FRACTA_GATEWAY_TOKEN;
        if (token !== undefined) return true;
      }
      return false;
    }, `a process of agent ${agent} with a gateway token`);
    return token ?? '';
  }

  return {
    url,
    client,
    project,
    async spawnAgent(name, options = {}) {
      spawned.add(name);
      await client.spawn({
        name,
        runtime: 'command',
        command: ['sleep', '300'],
        ...(options.parent === undefined ? {} : { parent_agent: options.parent }),
      });
      return tokenOf(name);
    },
    kill: (name) => client.kill(name),
    async close() {
      const page = await client
        .listAgents({ status: 'queued,running,idle', limit: 500 })
        .catch(() => ({ agents: [] }));
      await Promise.all(page.agents.map((agent) => client.kill(agent.name).catch(() => undefined)));
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      // Whatever an agent left behind (nothing, normally) must not outlive the test file.
      for (const pid of processesWithEnv({ FRACTA_PROJECT: project.name })) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await rm(project.dir, { recursive: true, force: true });
    },
  };
}
