import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '@fracta/testing';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { fracta } from './support/fracta-cli.js';

describe('fracta CLI against a real local control plane', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-cli-'));
    const port = await freePort();
    await writeFile(
      join(dir, 'fracta.yaml'),
      `control_plane_api:\n  listen: 127.0.0.1:${port}\ngateway:\n  managed: false\n`,
    );
  });

  afterEach(async () => {
    await fracta(dir, ['controlplane', 'stop']);
    await rm(dir, { recursive: true, force: true });
  });

  it('should start the control plane on demand, report it, and stop it', async () => {
    const listed = await fracta(dir, ['list', '--json']);
    expect(listed).toMatchObject({ code: 0 });
    expect(JSON.parse(listed.stdout)).toEqual([]);
    expect(listed.stderr).toContain('starting the control plane');
    const token = (await readFile(join(dir, '.fracta', 'controlplane.token'), 'utf8')).trim();
    expect(token.length).toBeGreaterThanOrEqual(32);

    const status = await fracta(dir, ['controlplane', 'status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, agents: {} });

    const stopped = await fracta(dir, ['controlplane', 'stop']);
    expect(stopped.stdout).toMatch(/^stopped \(pid \d+\)/);
    const after = await fracta(dir, ['controlplane', 'status']);
    expect(after.code).toBe(6);
    expect(after.stdout).toContain('not running');
  });

  it('should fail with one line and exit 2 on a corrupt fracta.yaml, starting nothing', async () => {
    await writeFile(join(dir, 'fracta.yaml'), 'reaper:\n  max_concurrent: lots\n');
    const result = await fracta(dir, ['list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('reaper.max_concurrent: expected a number, got "lots"');
    expect(result.stderr).not.toContain('starting the control plane');
  });

  it('should explain a port that is already taken', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => {
      blocker.listen(0, '127.0.0.1', () => {
        resolve((blocker.address() as net.AddressInfo).port);
      });
    });
    try {
      await writeFile(
        join(dir, 'fracta.yaml'),
        `control_plane_api:\n  listen: 127.0.0.1:${port}\ngateway:\n  managed: false\n`,
      );
      // Something answers on the port but it is not a control plane: the start must fail clearly.
      const result = await fracta(dir, ['controlplane', 'start']);
      expect(result.code).toBe(6);
      expect(result.stderr).toContain('already in use');
    } finally {
      blocker.close();
    }
  });
});
