/**
 * Team mode with a separate worker: the control plane serves the API and runs no missions
 * (runtime.queue.workers: 0); a `fracta-controlplane` process with FRACTA_ROLE=worker (what
 * `fracta worker` starts) takes them from the pg-boss queue, runs the agents, and stops one when
 * the control plane kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { AgentView } from '@fracta/api-contract';
import { createTestDatabase, type TestDatabase } from '@fracta/test-postgres';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { GIT_IDENTITY, startControlPlane, type Harness } from './harness.js';
import { processesWithEnv, waitFor, waitForStatus } from './wait.js';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'main.js');

describe('a separate worker process on the pg-boss queue', () => {
  let database: TestDatabase;
  let cp: Harness;
  let worker: ChildProcess;
  let workerLog = '';

  beforeAll(async () => {
    database = await createTestDatabase('cp_worker');
    const queue = { backend: 'postgres' as const, workers: 0, lease_timeout: 10_000 };
    cp = await startControlPlane({
      state: { driver: 'postgres', url: database.url, pool_max: 4 },
      configure: (config) => ({ ...config, runtime: { ...config.runtime, queue } }),
    });
    await writeFile(
      join(cp.dir, 'fracta.yaml'),
      [
        'version: 1',
        'project: { name: e2e }',
        'runtime:',
        `  state: { driver: postgres, url: "${database.url}" }`,
        '  queue: { backend: postgres, workers: 2, lease_timeout: 10s }',
        'gateway: { managed: false }',
        'observability: { log_level: info }',
        '',
      ].join('\n'),
    );
    worker = spawn(process.execPath, [MAIN], {
      cwd: cp.dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: cp.dir,
        FRACTA_ROLE: 'worker',
        ...GIT_IDENTITY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
    await waitFor(() => workerLog.includes('worker running'), 'the worker to run', 20_000);
  });

  afterAll(async () => {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
    await cp.close();
    await database.drop();
  });

  it('should run the agent in the worker process and stop it on kill', async () => {
    const spawned = await cp.json<AgentView>('POST', '/api/v1/agents', {
      name: 'remote',
      runtime: 'command',
      command: ['sh', '-c', 'echo "ran by $PPID"; sleep 60'],
    });
    expect(spawned.status).toBe(201);
    await waitForStatus(cp, 'remote', 'running', 20_000);
    const pids = processesWithEnv('FRACTA_AGENT', 'remote');
    expect(pids.length).toBeGreaterThan(0);
    // the agent's supervisor is a child of the worker, not of this (control plane) process
    const { readFileSync } = await import('node:fs');
    const parents = pids.map((pid) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    });
    expect(parents).toContain(worker.pid);
    expect(parents).not.toContain(process.pid);

    const killed = await cp.json<AgentView>('DELETE', '/api/v1/agents/remote');
    expect(killed.body.status).toBe('stopped');
    await waitFor(() => processesWithEnv('FRACTA_AGENT', 'remote').length === 0, 'the agent to be gone');
    const runs = (await cp.json<{ runs: { status: string }[] }>('GET', '/api/v1/agents/remote/runs')).body
      .runs;
    expect(runs.map((run) => run.status)).toEqual(['stopped']);
  });

  it('should refuse to start a worker on the in-process queue', async () => {
    await writeFile(join(cp.dir, 'other.yaml'), 'version: 1\ngateway: { managed: false }\n');
    const child = spawn(process.execPath, [MAIN], {
      cwd: cp.dir,
      env: { PATH: process.env.PATH ?? '', FRACTA_ROLE: 'worker', FRACTA_CONFIG: join(cp.dir, 'other.yaml') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('runtime.queue.backend: postgres');
  });
});
