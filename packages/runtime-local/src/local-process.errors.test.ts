import { isDomainError } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import {
  RuntimeBinaryNotExecutableError,
  RuntimeBinaryNotFoundError,
  RuntimeCwdNotFoundError,
  RuntimeStartFailedError,
} from './local-process.errors.js';

describe('local process errors', () => {
  it('should name the fix in every message, with a code and a category', () => {
    const cases = [
      [
        new RuntimeBinaryNotFoundError('claude', 'on PATH (PATH=/bin)', 'claude'),
        'RUNTIME_BINARY_NOT_FOUND',
        'invalid',
        'claude not found on PATH (PATH=/bin): install it or set agents.agent_runtimes.claude.command in fracta.yaml',
      ],
      [
        new RuntimeBinaryNotExecutableError('tool', '/opt/tool'),
        'RUNTIME_BINARY_NOT_EXECUTABLE',
        'invalid',
        "tool (/opt/tool) is not executable: run 'chmod +x /opt/tool' or point the runtime at another program",
      ],
      [
        new RuntimeCwdNotFoundError('/w/a'),
        'RUNTIME_CWD_NOT_FOUND',
        'invalid',
        'working directory /w/a does not exist or is not a directory: prepare the workspace before starting',
      ],
      [
        new RuntimeStartFailedError('tool', 'EAGAIN'),
        'RUNTIME_START_FAILED',
        'transient',
        "could not start tool: EAGAIN: check the command and the machine's process limits, then retry",
      ],
    ] as const;
    for (const [error, code, category, message] of cases) {
      expect(isDomainError(error)).toBe(true);
      expect({
        name: error.name,
        code: error.code,
        category: error.category,
        message: error.message,
      }).toEqual({
        name: error.constructor.name,
        code,
        category,
        message,
      });
    }
  });
});
