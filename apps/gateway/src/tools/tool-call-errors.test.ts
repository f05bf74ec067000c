import { ControlPlaneError, ControlPlaneUnreachableError } from '@fracta/api-contract';
import { InvariantViolationError } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { BackendCallFailedError } from '../errors.js';

import { toolErrorResult } from './tool-call-errors.js';

const textOf = (error: unknown) => {
  const { result } = toolErrorResult(error);
  expect(result.isError).toBe(true);
  const [block] = result.content;
  return block?.type === 'text' ? block.text : '';
};

describe('toolErrorResult', () => {
  it('should name the bad fields of invalid arguments', () => {
    const error = z.object({ intent: z.string().min(1) }).safeParse({ intent: '' }).error;
    expect(textOf(error)).toMatch(/^Invalid arguments: intent: /);
  });

  it("should pass the control plane's code and message on, and mark transient ones as worth retrying", () => {
    expect(textOf(new ControlPlaneError('SUB_AGENT_REFUSED', 'forbidden', 'max_children reached', 403))).toBe(
      'SUB_AGENT_REFUSED: max_children reached',
    );
    expect(textOf(new ControlPlaneUnreachableError('control plane not reachable'))).toMatch(/try again\)$/);
    expect(textOf(new BackendCallFailedError('backend files went away'))).toMatch(
      /^GATEWAY_BACKEND_CALL_FAILED/,
    );
  });

  it('should hide the details of bugs and unknown errors (they are logged instead)', () => {
    expect(toolErrorResult(new InvariantViolationError('secret state')).internal).toBe(true);
    expect(textOf(new InvariantViolationError('secret state'))).not.toContain('secret');
    expect(toolErrorResult(new TypeError('x is undefined')).internal).toBe(true);
    expect(textOf(new TypeError('x is undefined'))).toBe('internal error; it was logged');
  });
});
