import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { findPackedRef, readHead, RefFiles } from './ref-files.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(64);

describe(findPackedRef.name, () => {
  const packed = [
    '# pack-refs with: peeled fully-peeled sorted ',
    `${A} refs/heads/main`,
    `${B} refs/heads/main2`,
    `${C} refs/heads/sha256`,
    `${B} refs/tags/v1`,
    `^${A}`,
    `${A} refs/heads/feature/x`,
  ].join('\n');

  it('should find a branch by its whole name, SHA-1 or SHA-256, on the last line without a newline', () => {
    expect(findPackedRef(packed, 'refs/heads/main')).toBe(A);
    expect(findPackedRef(packed, 'refs/heads/main2')).toBe(B);
    expect(findPackedRef(packed, 'refs/heads/sha256')).toBe(C);
    expect(findPackedRef(packed, 'refs/heads/feature/x')).toBe(A);
    expect(findPackedRef(`${packed}\r\n`, 'refs/heads/feature/x')).toBe(A);
  });

  it('should not take a prefix, a suffix, a peeled line or another namespace for the branch', () => {
    expect(findPackedRef(packed, 'refs/heads/mai')).toBeNull();
    expect(findPackedRef(packed, 'refs/heads/feature')).toBeNull();
    expect(findPackedRef(packed, 'refs/heads/v1')).toBeNull();
    expect(findPackedRef(packed, 'heads/main')).toBeNull();
    expect(findPackedRef(`xyz refs/heads/odd\n`, 'refs/heads/odd')).toBeNull();
    expect(findPackedRef('', 'refs/heads/main')).toBeNull();
  });
});

describe(RefFiles.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-refs-'));
    await mkdir(join(dir, 'refs', 'heads', 'feature'), { recursive: true });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should read a loose ref before packed-refs, and packed-refs when there is no loose one', async () => {
    await writeFile(join(dir, 'refs', 'heads', 'main'), `${A}\n`);
    await writeFile(join(dir, 'packed-refs'), `${B} refs/heads/main\n${B} refs/heads/feature/p\n`);
    const refs = new RefFiles(dir);
    expect(refs.branch('main')).toEqual({ state: 'found', sha: A });
    expect(refs.branch('feature/p')).toEqual({ state: 'found', sha: B });
    expect(refs.branch('feature/none')).toEqual({ state: 'absent' });
    // refs/heads/feature is a directory of branches, not a branch
    expect(refs.branch('feature')).toEqual({ state: 'absent' });
  });

  it('should say absent without packed-refs', () => {
    expect(new RefFiles(dir).branch('main')).toEqual({ state: 'absent' });
  });

  it('should leave symbolic, malformed and non-file refs to git (unknown)', async () => {
    await writeFile(join(dir, 'refs', 'heads', 'alias'), 'ref: refs/heads/main\n');
    await writeFile(join(dir, 'refs', 'heads', 'broken'), 'not an id\n');
    const refs = new RefFiles(dir);
    expect(refs.branch('alias')).toEqual({ state: 'unknown' });
    expect(refs.branch('broken')).toEqual({ state: 'unknown' });
  });

  it('should leave a repository whose refs/heads is a file (reftable) to git', async () => {
    await rm(join(dir, 'refs', 'heads'), { recursive: true });
    await writeFile(join(dir, 'refs', 'heads'), 'this repository uses the reftable format\n');
    expect(new RefFiles(dir).branch('main')).toEqual({ state: 'unknown' });
  });

  it('should read packed-refs once per instance', async () => {
    await writeFile(join(dir, 'packed-refs'), `${A} refs/heads/one\n`);
    const refs = new RefFiles(dir);
    expect(refs.branch('one')).toEqual({ state: 'found', sha: A });
    await writeFile(join(dir, 'packed-refs'), `${A} refs/heads/two\n`);
    expect(refs.branch('two')).toEqual({ state: 'absent' });
    expect(new RefFiles(dir).branch('two')).toEqual({ state: 'found', sha: A });
  });
});

describe(readHead.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-head-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['ref: refs/heads/main\n', { state: 'branch', name: 'main' }],
    ['ref: refs/heads/feature/x\n', { state: 'branch', name: 'feature/x' }],
    [`${A}\n`, { state: 'detached' }],
    [`${C}\n`, { state: 'detached' }],
    ['ref: refs/heads/.invalid\n', { state: 'unknown' }],
    ['ref: refs/remotes/origin/main\n', { state: 'unknown' }],
    ['garbage\n', { state: 'unknown' }],
  ])('should read HEAD %j', async (content, expected) => {
    await writeFile(join(dir, 'HEAD'), content);
    expect(readHead(dir)).toEqual(expected);
  });

  it('should say unknown without a HEAD file', () => {
    expect(readHead(join(dir, 'missing'))).toEqual({ state: 'unknown' });
  });
});
