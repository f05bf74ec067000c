import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultFractaConfig } from '@fracta/config';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { toAppConfig } from '../config.js';

import { findExecutable, planLaunch } from './launch-planner.js';

describe(findExecutable.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-plan-'));
    await writeFile(join(dir, 'tool'), '#!/bin/sh\n');
    await chmod(join(dir, 'tool'), 0o755);
    await writeFile(join(dir, 'plain'), 'not executable');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should find a program on PATH, or by a path relative to the directory', () => {
    expect(findExecutable('tool', '/', `/nonexistent:${dir}`)).toBe(join(dir, 'tool'));
    expect(findExecutable('./tool', dir, '')).toBe(join(dir, 'tool'));
    expect(findExecutable(join(dir, 'tool'), '/', undefined)).toBe(join(dir, 'tool'));
  });

  it('should not take a file that is not executable, a directory, or a missing one', () => {
    expect(findExecutable('plain', '/', dir)).toBeNull();
    expect(findExecutable('./plain', dir, '')).toBeNull();
    expect(findExecutable(dir, '/', '')).toBeNull();
    expect(findExecutable('missing', '/', dir)).toBeNull();
  });
});

describe(planLaunch.name, () => {
  const config = toAppConfig({
    fracta: defaultFractaConfig('p'),
    projectRoot: '/repo',
    token: 't'.repeat(32),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });

  it('should plan a command agent from its argv, with the env names it will get', () => {
    const plan = planLaunch(config, { name: 'a1', runtime: 'command', command: ['sh', '-c', 'true'] });
    expect(plan).toMatchObject({ runtime: 'command', mode: 'batch', command: ['sh', '-c', 'true'] });
    expect(plan.line).toMatchObject({ command: 'sh', args: ['-c', 'true'] });
    expect(plan.envNames).toEqual(expect.arrayContaining(['FRACTA_AGENT', 'FRACTA_GATEWAY_TOKEN', 'PATH']));
    expect(plan.files).toEqual([]);
  });

  it('should refuse a missing prompt, stream mode and a missing binary, each naming the fix', () => {
    expect(() => planLaunch(config, { name: 'a1', runtime: 'claude' })).toThrow('--prompt');
    expect(() =>
      planLaunch(config, { name: 'a1', runtime: 'command', command: ['true'], mode: 'stream' }),
    ).toThrow('batch mode');
    expect(() =>
      planLaunch(config, { name: 'a1', runtime: 'command', command: ['no-such-program'] }),
    ).toThrow(expect.objectContaining({ code: 'RUNTIME_BINARY_NOT_FOUND' }));
  });
});
