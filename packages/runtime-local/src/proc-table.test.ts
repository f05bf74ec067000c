import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { describe, expect, it } from '@jest/globals';

import { listProcesses, parseProcStat, readProcStat, readProcStatSync } from './proc-table.js';

// fields 3-52 as Linux prints them; field 22 (start time) is 102567
const tail =
  'S 30492 30491 10329 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 102567 3133440 393 18446744073709551615 0 0';

describe(parseProcStat.name, () => {
  it('should read pid, state, ppid, group, session and start time', () => {
    expect(parseProcStat(`30537 (cat) ${tail}\n`)).toEqual({
      pid: 30537,
      state: 'S',
      ppid: 30492,
      pgrp: 30491,
      session: 10329,
      startTime: '102567',
    });
  });

  it('should cope with a command name holding spaces and parentheses', () => {
    expect(parseProcStat(`77 (my (odd) ) name) ${tail}`)).toMatchObject({
      pid: 77,
      ppid: 30492,
      startTime: '102567',
    });
    expect(parseProcStat(`78 () ${tail}`)).toMatchObject({ pid: 78, state: 'S' });
  });

  it.each([
    [''],
    ['garbage'],
    ['(cat) S 1 1 1'],
    ['12 (cat S 1 1 1'],
    ['12 (cat) S 1 1 1 0'],
    [`12 (cat) ${tail.replace('102567', 'x102567')}`],
    [`x12 (cat) ${tail}`],
  ])('should return null for %j', (text) => {
    expect(parseProcStat(text)).toBeNull();
  });
});

describe('reading /proc', () => {
  it('should read this process, with its real parent and a start time', async () => {
    const own = readProcStatSync(process.pid);

    expect(own).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(own?.startTime).toMatch(/^\d+$/);
    expect(await readProcStat(process.pid)).toEqual({ ...own, state: expect.any(String) });
  });

  it('should return null for a process that is gone', async () => {
    const child = spawn('true', { stdio: 'ignore' });
    const pid = child.pid!;
    await once(child, 'exit');

    expect(readProcStatSync(pid)).toBeNull();
    expect(await readProcStat(pid)).toBeNull();
  });

  it('should list this process and a child with this process as parent', async () => {
    const child = spawn('sleep', ['10'], { stdio: 'ignore' });
    try {
      const all = await listProcesses();

      expect(all.find((stat) => stat.pid === process.pid)).toBeDefined();
      expect(all.find((stat) => stat.pid === child.pid)).toMatchObject({ ppid: process.pid });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
});
