import { RUNTIMES } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { getRuntimeAdapter, runtimeAdapters } from './runtime-registry.js';

describe(getRuntimeAdapter.name, () => {
  it('should have one adapter per domain runtime, named after it', () => {
    for (const name of RUNTIMES) {
      expect(getRuntimeAdapter(name)).toBe(runtimeAdapters[name]);
      expect(runtimeAdapters[name].name).toBe(name);
    }
    expect(Object.keys(runtimeAdapters).sort()).toEqual([...RUNTIMES].sort());
    expect(Object.isFrozen(runtimeAdapters)).toBe(true);
  });

  it('should refuse an unknown runtime, listing the known ones', () => {
    expect(() => getRuntimeAdapter('aider')).toThrow(
      expect.objectContaining({
        code: 'RUNTIME_UNKNOWN',
        category: 'invalid',
        message: 'unknown runtime "aider": use one of claude, codex, opencode, command',
      }),
    );
  });

  it('should cut a long unknown name in the message', () => {
    expect(() => getRuntimeAdapter('x'.repeat(100))).toThrow(`unknown runtime "${'x'.repeat(40)}…"`);
  });

  it('should not treat inherited object keys as runtimes', () => {
    expect(() => getRuntimeAdapter('toString')).toThrow(expect.objectContaining({ code: 'RUNTIME_UNKNOWN' }));
  });
});
