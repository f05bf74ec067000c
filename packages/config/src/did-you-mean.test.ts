import { describe, expect, it } from '@jest/globals';

import { editDistance, suggest } from './did-you-mean.js';

describe(editDistance.name, () => {
  it.each([
    ['listen', 'listen', 0],
    ['lisen', 'listen', 1],
    ['lsiten', 'listen', 1],
    ['max_concurent', 'max_concurrent', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('should measure %j to %j as %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe(suggest.name, () => {
  const keys = ['url', 'listen', 'tool_policy'];

  it('should suggest the closest key within two edits', () => {
    expect(suggest('lisetn', keys)).toBe('listen');
    expect(suggest('URL', keys)).toBe('url');
    expect(suggest('tool_polcy', keys)).toBe('tool_policy');
  });

  it('should suggest nothing when no key is close', () => {
    expect(suggest('colour', keys)).toBeUndefined();
    expect(suggest('x', keys)).toBeUndefined();
  });
});
