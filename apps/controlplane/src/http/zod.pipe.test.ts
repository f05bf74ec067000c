import { spawnRequestSchema } from '@fracta/api-contract';
import { describe, expect, it } from '@jest/globals';

import { ZodPipe } from './zod.pipe.js';

describe(ZodPipe.name, () => {
  const pipe = new ZodPipe(spawnRequestSchema, 'spawn request');

  it('should return the parsed value', () => {
    expect(pipe.transform({ name: 'ok', runtime: 'command', command: ['true'] })).toEqual({
      name: 'ok',
      runtime: 'command',
      command: ['true'],
    });
  });

  it('should name every bad field and unknown key in one invalid error', () => {
    let caught: unknown;
    try {
      pipe.transform({ name: '-x', bogus: 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'REQUEST_INVALID', category: 'invalid' });
    const message = (caught as Error).message;
    expect(message).toContain('invalid spawn request');
    expect(message).toContain('unknown field(s): bogus');
    expect(message).toContain('name:');
  });

  it('should treat a missing body as an empty object', () => {
    expect(() => pipe.transform(undefined)).toThrow(/name/);
  });
});
