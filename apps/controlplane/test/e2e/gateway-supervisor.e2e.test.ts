/** The gateway child of a local control plane: started, restarted with backoff when it dies, stopped. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CapturingLogger } from '@fracta/logger';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { findGatewayEntry, GatewaySupervisor } from '../../src/gateway/gateway-supervisor.js';

import { waitFor } from './wait.js';

describe(GatewaySupervisor.name, () => {
  let dir: string;
  let supervisor: GatewaySupervisor | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-gw-sup-'));
  });

  afterEach(async () => {
    await supervisor?.stop(1_000);
    supervisor = null;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (script: string) => {
    const entry = join(dir, 'entry.mjs');
    await writeFile(entry, script);
    const logger = new CapturingLogger();
    supervisor = new GatewaySupervisor({
      entry,
      env: { PATH: process.env.PATH ?? '', MARK: 'from-the-control-plane' },
      cwd: dir,
      logFile: join(dir, 'logs', 'gateway.log'),
      logger,
      backoff: { baseMs: 50, maxMs: 200, stableMs: 10_000 },
    });
    supervisor.start();
    return { logger, supervisor };
  };

  it('should restart a gateway that dies, with growing delays, and log where its output goes', async () => {
    const { supervisor: running } = await start(
      "import { appendFileSync } from 'node:fs'; appendFileSync('starts', 'x'); console.log('gateway up', process.env.MARK); process.exit(3);",
    );
    await waitFor(() => running.restarts >= 3, 'three restarts', 10_000);
    await waitFor(
      async () => (await readFile(join(dir, 'starts'), 'utf8').catch(() => '')).length >= 4,
      'the fourth start',
    );
    expect(await readFile(join(dir, 'logs', 'gateway.log'), 'utf8')).toContain(
      'gateway up from-the-control-plane',
    );
  });

  it('should stop a running gateway with SIGTERM and not restart it', async () => {
    const { supervisor: running } = await start(
      "process.on('SIGTERM', () => { console.log('terminated'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);",
    );
    await waitFor(
      async () =>
        (await readFile(join(dir, 'logs', 'gateway.log'), 'utf8').catch(() => '')).includes('ready'),
      'the gateway to be ready',
    );
    const pid = running.pid ?? 0;
    await running.stop(2_000);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(running.state).toBe('stopped');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(running.restarts).toBe(0);
    expect(await readFile(join(dir, 'logs', 'gateway.log'), 'utf8')).toContain('terminated');
  });

  it('should not restart a gateway that refused its configuration (exit 2)', async () => {
    const { supervisor: running, logger } = await start(
      "console.error('bad gateway config'); process.exit(2);",
    );
    await waitFor(() => running.state === 'failed', 'the supervisor to give up');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(running.restarts).toBe(0);
    expect(logger.entries.map((entry) => entry.msg)).toContain(
      'gateway refused its configuration; not restarting it: fix fracta.yaml (gateway, mcp_servers) and restart the control plane',
    );
  });

  it('should find the gateway entry from FRACTA_GATEWAY_ENTRY, and none when it does not exist', async () => {
    const entry = join(dir, 'main.js');
    await writeFile(entry, '');
    expect(findGatewayEntry({ FRACTA_GATEWAY_ENTRY: entry })).toBe(entry);
    expect(findGatewayEntry({ FRACTA_GATEWAY_ENTRY: join(dir, 'missing.js') })).toBeNull();
  });
});
