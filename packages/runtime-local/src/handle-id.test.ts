import { describe, expect, it } from '@jest/globals';

import { formatHandleId, LOCAL_BACKEND_KIND, parseHandle } from './handle-id.js';
import { RuntimeHandleInvalidError } from './local-process.errors.js';

describe(parseHandle.name, () => {
  it('should split <pid>:<starttime> and round-trip with formatHandleId', () => {
    const id = formatHandleId(4242, '987654321');

    expect(id).toBe('4242:987654321');
    expect(parseHandle({ backend: LOCAL_BACKEND_KIND, id })).toEqual({
      id,
      pid: 4242,
      startTime: '987654321',
    });
  });

  it('should accept the largest pid Linux can hand out and a start time of zero', () => {
    expect(parseHandle({ backend: 'local', id: '2147483647:0' }).pid).toBe(2_147_483_647);
  });

  it.each([
    [''],
    ['4242'],
    ['4242:'],
    [':123'],
    ['1:123'],
    ['0:123'],
    ['-5:123'],
    ['0042:123'],
    ['4242:12a'],
    ['4242:1:2'],
    [' 4242:123'],
    ['4242:123\n'],
    ['2147483648:1'],
    ['99999999999:1'],
    [`4242:${'1'.repeat(21)}`],
  ])('should reject the id %j', (id) => {
    expect(() => parseHandle({ backend: 'local', id })).toThrow(RuntimeHandleInvalidError);
    expect(() => parseHandle({ backend: 'local', id })).toThrow('expected <pid>:<start time>');
  });

  it("should reject another backend's handle, naming that backend", () => {
    let caught: unknown;
    try {
      parseHandle({ backend: 'kubernetes', id: '4242:123' });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(RuntimeHandleInvalidError);
    expect((caught as RuntimeHandleInvalidError).code).toBe('RUNTIME_HANDLE_INVALID');
    expect((caught as RuntimeHandleInvalidError).message).toContain('belongs to the "kubernetes" backend');
  });

  it('should quote a long bad id shortened', () => {
    const id = 'x'.repeat(500);

    expect(() => parseHandle({ backend: 'local', id })).toThrow(`"${'x'.repeat(80)}"`);
  });
});
