import { describe, expect, it } from '@jest/globals';

import { RuntimeSpecInvalidError } from './local-process.errors.js';
import {
  type LocalProcessSpec,
  SPEC_LIMITS,
  supervisorEnv,
  validateSpec,
  WRAPPED_ENV_PREFIX,
} from './process-spec.js';

const valid: LocalProcessSpec = {
  agent: 'fix-login',
  run: 'run-1',
  command: 'claude',
  args: ['-p', 'hello'],
  cwd: '/work/repo/.worktrees/fix-login',
  env: { PATH: '/usr/bin:/bin', FRACTA_AGENT: 'fix-login' },
  stdoutPath: '/work/runs/run-1/agent-stdout.txt',
  stderrPath: '/work/runs/run-1/agent-stderr.txt',
};

function problemsOf(spec: LocalProcessSpec): RuntimeSpecInvalidError {
  try {
    validateSpec(spec);
  } catch (error) {
    if (error instanceof RuntimeSpecInvalidError) return error;
    throw error;
  }
  throw new Error('validateSpec accepted the spec');
}

describe(validateSpec.name, () => {
  it('should accept a complete spec, empty args, stdin and an empty env value', () => {
    expect(() => {
      validateSpec(valid);
    }).not.toThrow();
    expect(() => {
      validateSpec({ ...valid, args: [], stdin: 'prompt\n', env: { ...valid.env, EMPTY: '' } });
    }).not.toThrow();
  });

  it('should reject a relative cwd, stdout or stderr path and say to fix the configuration', () => {
    const error = problemsOf({ ...valid, cwd: 'repo', stdoutPath: './out.txt', stderrPath: 'err.txt' });

    expect(error.code).toBe('RUNTIME_SPEC_INVALID');
    expect(error.category).toBe('invalid');
    expect(error.message).toContain('invalid process spec for agent fix-login');
    expect(error.message).toContain('cwd must be an absolute path');
    expect(error.message).toContain('stdoutPath must be an absolute path');
    expect(error.message).toContain('stderrPath must be an absolute path');
    expect(error.message).toMatch(/: fix the runtime configuration$/);
    expect(error.details).toEqual({ agent: 'fix-login' });
  });

  it.each([
    ['empty', ''],
    ['with =', 'A=B'],
    ['with NUL', 'A\0B'],
  ])('should reject an env name that is %s, quoting it', (_, name) => {
    const error = problemsOf({ ...valid, env: { ...valid.env, [name]: 'x' } });

    expect(error.message).toContain("env names must be non-empty without '=' or NUL");
    expect(error.message).toContain(JSON.stringify(name));
  });

  it('should reject an env value with NUL, naming the variable but not showing the value', () => {
    const error = problemsOf({ ...valid, env: { ...valid.env, API_KEY: 'secret\0value' } });

    expect(error.message).toContain('env values must not contain NUL (API_KEY)');
    expect(error.message).not.toContain('secret');
  });

  it('should reserve the supervisor prefix for env names', () => {
    const error = problemsOf({ ...valid, env: { ...valid.env, [`${WRAPPED_ENV_PREFIX}NODE_OPTIONS`]: '' } });

    expect(error.message).toContain(`env must not set ${WRAPPED_ENV_PREFIX}NODE_OPTIONS`);
    expect(error.message).toContain('prefix is reserved');
  });

  it('should reject an empty command, a NUL in the command or in an argument', () => {
    expect(problemsOf({ ...valid, command: '' }).message).toContain('command must be 1-4096 characters');
    expect(problemsOf({ ...valid, command: 'a\0b' }).message).toContain('without NUL');
    expect(problemsOf({ ...valid, args: ['ok', 'b\0d'] }).message).toContain('args must be at most');
  });

  it('should enforce every size limit', () => {
    const many = (count: number): Record<string, string> =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`V${i}`, '']));

    expect(problemsOf({ ...valid, command: 'x'.repeat(SPEC_LIMITS.commandChars + 1) }).message).toContain(
      'command must be 1-4096 characters',
    );
    expect(problemsOf({ ...valid, args: Array<string>(SPEC_LIMITS.args + 1).fill('') }).message).toContain(
      `args must be at most ${SPEC_LIMITS.args} strings`,
    );
    expect(problemsOf({ ...valid, args: ['x'.repeat(SPEC_LIMITS.argBytes)] }).message).toContain(
      `args must total at most ${SPEC_LIMITS.argBytes} bytes`,
    );
    expect(problemsOf({ ...valid, env: many(SPEC_LIMITS.envEntries + 1) }).message).toContain(
      `env must have at most ${SPEC_LIMITS.envEntries} variables`,
    );
    expect(problemsOf({ ...valid, env: { BIG: 'x'.repeat(SPEC_LIMITS.envBytes) } }).message).toContain(
      `env must total at most ${SPEC_LIMITS.envBytes} bytes`,
    );
    expect(problemsOf({ ...valid, stdin: 'x'.repeat(SPEC_LIMITS.stdinBytes + 1) }).message).toContain(
      `stdin must be at most ${SPEC_LIMITS.stdinBytes} bytes`,
    );
    expect(problemsOf({ ...valid, cwd: `/${'d'.repeat(SPEC_LIMITS.pathChars)}` }).message).toContain(
      'cwd must be an absolute path of at most 4096 characters',
    );
  });

  it('should count bytes, not characters, against the byte limits', () => {
    const fourByteChars = '😀'.repeat(SPEC_LIMITS.stdinBytes / 4);

    expect(() => {
      validateSpec({ ...valid, stdin: fourByteChars });
    }).not.toThrow();
    expect(problemsOf({ ...valid, stdin: `${fourByteChars}x` }).message).toContain('stdin must be at most');
  });

  it('should report every problem at once', () => {
    const error = problemsOf({ ...valid, command: '', cwd: 'rel', env: { '': 'x' } });

    expect(error.message.split('; ')).toHaveLength(3);
  });
});

describe(supervisorEnv.name, () => {
  it('should move only the variables Node.js and libuv read under the reserved prefix', () => {
    expect(
      supervisorEnv({
        PATH: '/bin',
        NODE_OPTIONS: '--require ./hook.cjs',
        NODE_DEBUG: 'child_process',
        UV_THREADPOOL_SIZE: '2',
        NODEJS: 'kept',
        MY_NODE_OPTIONS: 'kept',
      }),
    ).toEqual({
      PATH: '/bin',
      [`${WRAPPED_ENV_PREFIX}NODE_OPTIONS`]: '--require ./hook.cjs',
      [`${WRAPPED_ENV_PREFIX}NODE_DEBUG`]: 'child_process',
      [`${WRAPPED_ENV_PREFIX}UV_THREADPOOL_SIZE`]: '2',
      NODEJS: 'kept',
      MY_NODE_OPTIONS: 'kept',
    });
  });
});
