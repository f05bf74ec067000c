import { describe, expect, it } from '@jest/globals';

import { formatRunHandle, parseRunHandle } from './run.js';

describe(formatRunHandle.name, () => {
  it('should join backend and id with a colon', () => {
    expect(formatRunHandle({ backend: 'local', id: '1234:998877' })).toBe('local:1234:998877');
  });
});

describe(parseRunHandle.name, () => {
  it('should split at the first colon, so ids may contain colons', () => {
    expect(parseRunHandle('local:1234:998877')).toEqual({ backend: 'local', id: '1234:998877' });
    expect(parseRunHandle('kubernetes:fracta-agent-1-run-2')).toEqual({
      backend: 'kubernetes',
      id: 'fracta-agent-1-run-2',
    });
  });

  it('should round-trip what formatRunHandle writes', () => {
    const handle = { backend: 'docker', id: 'c0ffee:1' };
    expect(parseRunHandle(formatRunHandle(handle))).toEqual(handle);
  });

  it('should refuse a handle without a backend or an id', () => {
    for (const bad of ['', 'local', ':1234', 'local:']) expect(parseRunHandle(bad)).toBeNull();
  });
});
