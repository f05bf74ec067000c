import { describe, expect, it } from '@jest/globals';

import { isValidBranchName } from './branch-name.js';

/** Names and what `git check-ref-format --branch` says of them (checked against git 2.39). */
const BRANCH_NAME_CASES: readonly (readonly [string, boolean])[] = [
  ['main', true],
  ['feature/x', true],
  ['release/2026.05', true],
  ['a./b', true],
  ['foo@bar', true],
  ['@', true],
  ['@@', true],
  ['a{b}', true],
  ['a]b', true],
  ['a|b', true],
  ['a#b', true],
  ['a+b=c', true],
  ['é', true],
  ['分支', true],
  ['a.lockx', true],
  ['x.lock.y', true],
  ['refs/heads/x', true],
  ['', false],
  ['-x', false],
  ['HEAD', false],
  ['a..b', false],
  ['a.lock', false],
  ['a/b.lock/c', false],
  ['a.lock/b', false],
  ['.a', false],
  ['a/.b', false],
  ['a.', false],
  ['a/', false],
  ['/a', false],
  ['a//b', false],
  ['x y', false],
  ['a\tb', false],
  ['a\nb', false],
  ['a\0b', false],
  ['a\x7fb', false],
  ['a\x1bb', false],
  ['a~1', false],
  ['a^', false],
  ['a:b', false],
  ['a?', false],
  ['a*b', false],
  ['a[b', false],
  ['a\\b', false],
  ['@{-1}', false],
  ['a@{b', false],
  ['main@{upstream}', false],
];

describe(isValidBranchName.name, () => {
  it.each(BRANCH_NAME_CASES)('should judge %j as git does (%s)', (name, valid) => {
    expect(isValidBranchName(name)).toBe(valid);
  });
});
