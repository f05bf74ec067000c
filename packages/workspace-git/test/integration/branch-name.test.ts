import { spawnSync } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { isValidBranchName } from '../../src/branch-name.js';

import { createGitFixture, type GitFixture } from './git-fixture.js';

/** git's own verdict: `git check-ref-format --branch <name>` exits 0. */
function gitAccepts(fx: GitFixture, name: string): boolean {
  return spawnSync('git', ['check-ref-format', '--branch', name], { cwd: fx.repo, env: fx.env }).status === 0;
}

/** Deterministic names built from the fragments every rule is about. */
function generatedNames(count: number): string[] {
  const fragments = [
    'a',
    'b1',
    '.',
    '..',
    '/',
    '//',
    '@',
    '{',
    '}',
    '.lock',
    'lock',
    '-',
    ' ',
    '~',
    '^',
    ':',
  ];
  fragments.push('?', '*', '[', ']', '\\', 'é', 'HEAD', '\t', '\x7f', '#', '+', '=', ',');
  let seed = 20_260_513;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return (seed >>> 8) % n;
  };
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const parts = 1 + next(5);
    let name = '';
    for (let k = 0; k < parts; k++) name += fragments[next(fragments.length)] ?? '';
    names.push(name);
  }
  return names;
}

describe(`${isValidBranchName.name} against git check-ref-format --branch`, () => {
  let fx: GitFixture;

  beforeAll(async () => {
    fx = await createGitFixture();
  });

  afterAll(async () => {
    await fx.cleanup();
  });

  it('should agree with git on every generated name', () => {
    // git expands @{-N} and @{upstream} before checking; callers refuse "@{" outright.
    const names = [...new Set(generatedNames(400))].filter((name) => !name.includes('@{'));
    const disagreements = names.filter((name) => isValidBranchName(name) !== gitAccepts(fx, name));
    expect(disagreements).toEqual([]);
    expect(names.filter((name) => isValidBranchName(name)).length).toBeGreaterThan(20);
  });
});
