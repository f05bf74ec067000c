import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { DirectoryWorkspace } from '../../src/index.js';

describe(DirectoryWorkspace.name, () => {
  let dir: string;
  let root: string;

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'fracta-dir-ws-')));
    root = join(dir, 'agents');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should create <root>/<agent>, creating the root when needed', async () => {
    const workspace = new DirectoryWorkspace({ root });

    const info = await workspace.prepare('alpha', { baseBranch: 'main' });

    expect(info).toEqual({ kind: 'directory', path: join(root, 'alpha'), branch: null, baseBranch: null });
    expect(existsSync(info.path)).toBe(true);
  });

  it('should refuse an agent whose directory already exists and keep its files', async () => {
    const workspace = new DirectoryWorkspace({ root });
    const info = await workspace.prepare('beta', {});
    await writeFile(join(info.path, 'work.txt'), 'work\n');

    const error = await workspace.prepare('beta', {}).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'WORKSPACE_ALREADY_EXISTS', category: 'conflict' });
    expect((error as Error).message).toContain("'fracta kill --keep-files'");
    expect(await readFile(join(info.path, 'work.txt'), 'utf8')).toBe('work\n');
  });

  it('should run alongside once the directory is there, and remove it when alongside fails', async () => {
    const workspace = new DirectoryWorkspace({ root });
    const seen: string[] = [];

    const info = await workspace.prepare('gamma', {
      alongside: (planned) => {
        seen.push(planned.path);
        return Promise.resolve();
      },
    });
    const error = await workspace
      .prepare('delta', { alongside: () => Promise.reject(new Error('row refused')) })
      .catch((e: unknown) => e);

    expect(seen).toEqual([info.path]);
    expect((error as Error).message).toBe('row refused');
    expect(existsSync(join(root, 'delta'))).toBe(false);
  });

  it('should refuse an invalid agent name without creating anything', async () => {
    const workspace = new DirectoryWorkspace({ root });
    await expect(workspace.prepare('../escape', {})).rejects.toMatchObject({ code: 'AGENT_NAME_INVALID' });
    expect(existsSync(join(dir, 'escape'))).toBe(false);
  });

  it('should remove the directory unless keepFiles, and be idempotent', async () => {
    const workspace = new DirectoryWorkspace({ root });
    const info = await workspace.prepare('gamma', {});
    await writeFile(join(info.path, 'work.txt'), 'work\n');

    await workspace.remove(info, { keepFiles: true });
    expect(existsSync(join(info.path, 'work.txt'))).toBe(true);

    await workspace.remove(info, { keepFiles: false });
    expect(existsSync(info.path)).toBe(false);
    await expect(workspace.remove(info, { keepFiles: false })).resolves.toBeUndefined();
  });

  it('should refuse to remove anything but an agent directory of its root', async () => {
    const workspace = new DirectoryWorkspace({ root });
    await workspace.prepare('delta', {});
    const outside = join(dir, 'precious');
    await writeFile(outside, 'keep\n');

    for (const path of [outside, root, join(root, 'delta', 'nested'), join(root, '..', 'precious')]) {
      await expect(
        workspace.remove({ kind: 'directory', path, branch: null, baseBranch: null }, { keepFiles: false }),
      ).rejects.toMatchObject({ code: 'WORKSPACE_INVALID' });
    }
    await expect(
      workspace.remove(
        { kind: 'git-worktree', path: join(root, 'delta'), branch: 'feature/delta', baseBranch: 'main' },
        { keepFiles: false },
      ),
    ).rejects.toMatchObject({ code: 'WORKSPACE_INVALID' });
    expect(await readFile(outside, 'utf8')).toBe('keep\n');
    expect(existsSync(join(root, 'delta'))).toBe(true);
  });

  it('should have no merge', async () => {
    const workspace = new DirectoryWorkspace({ root });
    const info = await workspace.prepare('eps', {});

    const error = await workspace.merge(info).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'WORKSPACE_MERGE_UNSUPPORTED', category: 'invalid' });
    expect((error as Error).message).toMatch(/^directory workspaces have no merge: /);
  });
});
