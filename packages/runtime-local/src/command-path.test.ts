import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { lookupCommand } from './command-path.js';

describe(lookupCommand.name, () => {
  let dir: string;
  let first: string;
  let second: string;

  const put = (path: string, mode: number): string => {
    writeFileSync(path, '#!/bin/sh\nexit 0\n');
    chmodSync(path, mode);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fracta-lookup-'));
    first = join(dir, 'first');
    second = join(dir, 'second');
    mkdirSync(first);
    mkdirSync(second);
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("should search only the PATH of the agent's env, never the control plane's", () => {
    // `sh` is on this process's PATH, but the agent's env has none
    expect(process.env.PATH).toBeDefined();
    expect(lookupCommand('sh', dir, {})).toEqual({
      found: false,
      reason: 'missing',
      where: "on PATH (the agent's environment has no PATH)",
    });
    expect(lookupCommand('sh', dir, { PATH: '' })).toMatchObject({ found: false, reason: 'missing' });
    expect(lookupCommand('sh', dir, { PATH: first })).toMatchObject({ found: false, reason: 'missing' });
  });

  it('should take the first executable in PATH order', () => {
    const inFirst = put(join(first, 'tool'), 0o755);
    put(join(second, 'tool'), 0o755);

    expect(lookupCommand('tool', dir, { PATH: `${first}:${second}` })).toEqual({
      found: true,
      path: inFirst,
    });
  });

  it('should skip a non-executable file and a directory of that name, as execvp does', () => {
    put(join(first, 'tool'), 0o644);
    mkdirSync(join(first, 'other'));
    const executable = put(join(second, 'tool'), 0o755);

    expect(lookupCommand('tool', dir, { PATH: `${first}:${second}` })).toEqual({
      found: true,
      path: executable,
    });
    expect(lookupCommand('other', dir, { PATH: first })).toMatchObject({ found: false, reason: 'missing' });
  });

  it('should tell a program that exists but is not executable from a missing one', () => {
    const path = put(join(first, 'tool'), 0o644);

    expect(lookupCommand('tool', dir, { PATH: `${second}:${first}` })).toEqual({
      found: false,
      reason: 'not-executable',
      where: path,
      path,
    });
    expect(lookupCommand('absent', dir, { PATH: `${second}:${first}` })).toEqual({
      found: false,
      reason: 'missing',
      where: `on PATH (PATH=${second}:${first})`,
    });
  });

  it('should resolve relative and empty PATH entries against the working directory', () => {
    const local = put(join(dir, 'tool'), 0o755);
    const inFirst = put(join(first, 'only-in-first'), 0o755);

    expect(lookupCommand('tool', dir, { PATH: `${second}::` })).toEqual({ found: true, path: local });
    expect(lookupCommand('only-in-first', dir, { PATH: 'first' })).toEqual({ found: true, path: inFirst });
  });

  it('should take a command with a slash as a path relative to cwd, ignoring PATH', () => {
    const script = put(join(first, 'run.sh'), 0o755);
    put(join(second, 'run.sh'), 0o644);

    expect(lookupCommand('./first/run.sh', dir, { PATH: second })).toEqual({ found: true, path: script });
    expect(lookupCommand(script, '/', {})).toEqual({ found: true, path: script });
    expect(lookupCommand('./second/run.sh', dir, {})).toMatchObject({
      found: false,
      reason: 'not-executable',
    });
    expect(lookupCommand('./nope.sh', dir, {})).toEqual({
      found: false,
      reason: 'missing',
      where: `(no file at ${join(dir, 'nope.sh')})`,
    });
    expect(lookupCommand('./first', dir, {})).toMatchObject({ found: false, reason: 'missing' });
  });

  it('should shorten a very long PATH in the message', () => {
    const path = Array.from({ length: 100 }, (_, i) => join(dir, `dir-${i}`)).join(':');
    const result = lookupCommand('absent', dir, { PATH: path });
    if (result.found) throw new Error('found a program that does not exist');

    expect(result.where.length).toBeLessThan(330);
    expect(result.where).toMatch(/…\)$/);
  });
});
