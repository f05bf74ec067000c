import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { writeFileAtomic, writeFileAtomicSync } from './atomic-file.js';

describe(writeFileAtomic.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-atomic-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should create and then replace the file, with its mode, leaving no temp file', async () => {
    const path = join(dir, 'run-info.yaml');

    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, Buffer.from('two'), 0o600);

    expect(await readFile(path, 'utf8')).toBe('two');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['run-info.yaml']);
  });

  it('should fail without a trace when the target cannot be replaced', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await mkdir(join(path, 'child'));

    await expect(writeFileAtomic(path, 'x')).rejects.toMatchObject({
      code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) as unknown,
    });
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('should fail when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'f'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe(writeFileAtomicSync.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-atomic-sync-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([true, false])(
    'should create and then replace the file, with its mode, leaving no temp file (durable: %s)',
    async (durable) => {
      const path = join(dir, 'run-info.yaml');

      writeFileAtomicSync(path, 'one', 0o644, { durable });
      writeFileAtomicSync(path, Buffer.from('two'), 0o600, { durable });

      expect(await readFile(path, 'utf8')).toBe('two');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await readdir(dir)).toEqual(['run-info.yaml']);
    },
  );

  it('should fail without a trace when the target cannot be replaced', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await mkdir(join(path, 'child'));

    expect(() => {
      writeFileAtomicSync(path, 'x', 0o644, { durable: false });
    }).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) as unknown }),
    );
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('should fail when the directory does not exist', () => {
    expect(() => {
      writeFileAtomicSync(join(dir, 'missing', 'f'), 'x');
    }).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
