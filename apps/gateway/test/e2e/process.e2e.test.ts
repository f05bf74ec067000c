/**
 * The built gateway as the control plane will supervise it: `node dist/main.js` with its
 * environment, one JSON line when it listens, exit codes by kind of start-up failure, an orderly
 * stop on SIGTERM; and the pinned MCP Inspector CLI listing and calling tools through it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '@fracta/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startsOf, stdioBackendYaml } from '../support/backends.js';
import {
  CP_TOKEN,
  makeProject,
  startControlPlane,
  type RunningControlPlane,
  type TestProject,
} from '../support/control-plane.js';
import { processesWithEnv, waitFor } from '../support/processes.js';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'main.js');
const require = createRequire(import.meta.url);

/** The pinned Inspector CLI, from its package's bin. */
function inspectorBin(): string {
  const manifest = require.resolve('@modelcontextprotocol/inspector/package.json');
  const bin = (require(manifest) as { bin: Record<string, string> }).bin;
  return join(dirname(manifest), bin['mcp-inspector'] ?? '');
}
const run = promisify(execFile);

interface GatewayProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startMain(env: Record<string, string>, cwd: string): GatewayProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    exited: new Promise((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    ),
  };
}

describe('gateway process (dist/main.js)', () => {
  let cp: RunningControlPlane;
  let project: TestProject;
  let token: string;
  let home: string;

  beforeAll(async () => {
    const cpPort = await freePort();
    project = await makeProject(
      (dir) => `mcp_servers:\n${stdioBackendYaml('files', join(dir, 'files-starts.txt'))}`,
      cpPort,
    );
    cp = await startControlPlane(project, cpPort);
    token = await cp.spawnAgent('alpha');
    home = await mkdtemp(join(tmpdir(), 'fracta-gw-home-'));
  });

  afterAll(async () => {
    await cp.close();
    await rm(home, { recursive: true, force: true });
  });

  it('should log one JSON line when it listens, serve the Inspector CLI with a token, and stop cleanly on SIGTERM', async () => {
    const port = await freePort();
    const tokenFile = join(home, 'cp.token');
    await writeFile(tokenFile, `${CP_TOKEN}\n`, { mode: 0o600 });
    const gateway = startMain(
      {
        CONTROL_PLANE_URL: cp.url,
        CONTROL_PLANE_TOKEN_FILE: tokenFile,
        GATEWAY_LISTEN: `127.0.0.1:${port}`,
        FRACTA_CONFIG: project.configPath,
      },
      project.dir,
    );
    try {
      await waitFor(
        () => gateway.output().includes('gateway listening'),
        `the gateway to listen: ${gateway.output()}`,
      );
      const line =
        gateway
          .output()
          .split('\n')
          .find((entry) => entry.includes('gateway listening')) ?? '';
      expect(JSON.parse(line)).toMatchObject({
        msg: 'gateway listening',
        host: '127.0.0.1',
        port,
        level: 30,
      });
      expect(gateway.output()).not.toContain(CP_TOKEN);

      const url = `http://127.0.0.1:${port}/agents/alpha/mcp`;
      const inspector = (...args: string[]) =>
        run(process.execPath, [inspectorBin(), '--cli', url, '--transport', 'http', ...args], {
          env: { ...process.env, HOME: home },
          timeout: 30_000,
        });
      const listed = await inspector('--method', 'tools/list', '--header', `Authorization: Bearer ${token}`);
      const names = (JSON.parse(listed.stdout) as { tools: { name: string }[] }).tools.map(
        (tool) => tool.name,
      );
      expect(names).toEqual(expect.arrayContaining(['fracta_set_intent', 'files__echo']));
      const called = await inspector(
        '--method',
        'tools/call',
        '--tool-name',
        'files__echo',
        '--tool-arg',
        'text=from the inspector',
        '--header',
        `Authorization: Bearer ${token}`,
      );
      expect(JSON.parse(called.stdout)).toEqual({
        content: [{ type: 'text', text: 'files echo: from the inspector' }],
      });
      await inspector(
        '--method',
        'tools/call',
        '--tool-name',
        'fracta_set_intent',
        '--tool-arg',
        'intent=inspecting',
        '--header',
        `Authorization: Bearer ${token}`,
      );
      expect((await cp.client.getAgent('alpha')).intent).toBe('inspecting');

      await expect(inspector('--method', 'tools/list')).rejects.toMatchObject({
        code: expect.any(Number) as unknown,
      });
      await expect(
        inspector('--method', 'tools/list', '--header', 'Authorization: Bearer not-the-right-token-at-all'),
      ).rejects.toThrow();

      const backend = processesWithEnv({ FIXTURE_STARTS_FILE: join(project.dir, 'files-starts.txt') });
      expect(backend).toHaveLength(1);
      expect(await startsOf(join(project.dir, 'files-starts.txt'))).toBe(1);
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
      expect(gateway.output()).toContain('gateway stopping');
      expect(processesWithEnv({ FIXTURE_STARTS_FILE: join(project.dir, 'files-starts.txt') })).toEqual([]);
    } finally {
      gateway.child.kill('SIGKILL');
    }
  });

  it('should exit 2 with one line per problem when the environment or fracta.yaml is wrong', async () => {
    const missing = startMain({}, home);
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toContain('CONTROL_PLANE_URL: is not set');
    expect(missing.output()).toContain('CONTROL_PLANE_TOKEN: is not set');

    const bad = join(home, 'bad.yaml');
    await writeFile(bad, 'gateway:\n  listen: nowhere\n  tool_polcy: {}\n');
    const broken = startMain(
      { CONTROL_PLANE_URL: cp.url, CONTROL_PLANE_TOKEN: CP_TOKEN, FRACTA_CONFIG: bad },
      home,
    );
    expect(await broken.exited).toBe(2);
    expect(broken.output()).toContain('gateway.listen: expected host:port');
    expect(broken.output()).toContain('did you mean "tool_policy"?');
  });

  it('should exit 4 naming the fix when its address is taken', async () => {
    const taken: Server = createServer();
    const port = await new Promise<number>((resolve) => {
      taken.listen(0, '127.0.0.1', () => {
        resolve((taken.address() as { port: number }).port);
      });
    });
    try {
      const gateway = startMain(
        {
          CONTROL_PLANE_URL: cp.url,
          CONTROL_PLANE_TOKEN: CP_TOKEN,
          GATEWAY_LISTEN: `127.0.0.1:${port}`,
          FRACTA_CONFIG: project.configPath,
        },
        project.dir,
      );
      expect(await gateway.exited).toBe(4);
      expect(gateway.output()).toContain(`127.0.0.1:${port} is already in use`);
      expect(gateway.output().trim().split('\n')).toHaveLength(1);
    } finally {
      taken.close();
    }
  });
});
