import { isAbsolute } from 'node:path';

import { type ProcessSpec } from '@fracta/domain';

import { RuntimeSpecInvalidError } from './local-process.errors.js';

/** What `start` accepts beyond the port's ProcessSpec (both optional). */
export interface LocalProcessSpec extends ProcessSpec {
  /** Text fed to the program's stdin (through an unlinked temp file, so it survives a restart); default: no input. */
  readonly stdin?: string;
  /** The runtime's name in fracta.yaml, used in error messages. */
  readonly runtime?: string;
}

/**
 * Variables Node.js or libuv read at start-up (NODE_OPTIONS, NODE_DEBUG, NODE_CHANNEL_FD,
 * UV_THREADPOOL_SIZE, …) would change the supervisor, not just the program: they travel under
 * this prefix and the supervisor puts them back for the program. Agents may not use the prefix.
 */
export const WRAPPED_ENV_PREFIX = 'FRACTA_WRAPPER_';
const NODE_ENV_NAME = /^(NODE_|UV_)/;

export const SPEC_LIMITS = {
  commandChars: 4_096,
  args: 10_000,
  argBytes: 1_048_576,
  envEntries: 2_000,
  envBytes: 1_048_576,
  stdinBytes: 8 * 1_048_576,
  pathChars: 4_096,
} as const;

function byteLength(values: Iterable<string>): number {
  let total = 0;
  for (const value of values) total += Buffer.byteLength(value) + 1;
  return total;
}

/** Throws RuntimeSpecInvalidError listing every problem of the spec at once. */
export function validateSpec(spec: LocalProcessSpec): void {
  const problems: string[] = [];
  const limits = SPEC_LIMITS;
  if (spec.command.length === 0 || spec.command.length > limits.commandChars || spec.command.includes('\0')) {
    problems.push(`command must be 1-${limits.commandChars} characters without NUL`);
  }
  if (spec.args.length > limits.args || spec.args.some((arg) => arg.includes('\0'))) {
    problems.push(`args must be at most ${limits.args} strings without NUL`);
  } else if (byteLength(spec.args) > limits.argBytes) {
    problems.push(`args must total at most ${limits.argBytes} bytes`);
  }
  const env = Object.entries(spec.env);
  if (env.length > limits.envEntries) problems.push(`env must have at most ${limits.envEntries} variables`);
  const badNames = env
    .filter(([key]) => key === '' || /[=\0]/.test(key))
    .map(([key]) => JSON.stringify(key.slice(0, 40)));
  if (badNames.length > 0) {
    problems.push(`env names must be non-empty without '=' or NUL (got ${badNames.slice(0, 3).join(', ')})`);
  }
  const badValues = env.filter(([, value]) => value.includes('\0')).map(([key]) => key);
  if (badValues.length > 0)
    problems.push(`env values must not contain NUL (${badValues.slice(0, 3).join(', ')})`);
  const reserved = env.filter(([key]) => key.startsWith(WRAPPED_ENV_PREFIX)).map(([key]) => key);
  if (reserved.length > 0) {
    problems.push(
      `env must not set ${reserved.slice(0, 3).join(', ')} (the ${WRAPPED_ENV_PREFIX} prefix is reserved)`,
    );
  }
  if (byteLength(env.map(([key, value]) => `${key}=${value}`)) > limits.envBytes) {
    problems.push(`env must total at most ${limits.envBytes} bytes`);
  }
  for (const [name, path] of [
    ['cwd', spec.cwd],
    ['stdoutPath', spec.stdoutPath],
    ['stderrPath', spec.stderrPath],
  ] as const) {
    if (!isAbsolute(path) || path.length > limits.pathChars || path.includes('\0')) {
      problems.push(`${name} must be an absolute path of at most ${limits.pathChars} characters`);
    }
  }
  if (spec.stdin !== undefined && Buffer.byteLength(spec.stdin) > limits.stdinBytes) {
    problems.push(`stdin must be at most ${limits.stdinBytes} bytes`);
  }
  if (problems.length > 0) {
    const agent = spec.agent.slice(0, 64);
    throw new RuntimeSpecInvalidError(
      `invalid process spec for agent ${agent}: ${problems.join('; ')}: fix the runtime configuration`,
      { agent },
    );
  }
}

/** The supervisor's environment: the agent's, with the variables Node.js would act on moved under the prefix. */
export function supervisorEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    result[NODE_ENV_NAME.test(key) ? `${WRAPPED_ENV_PREFIX}${key}` : key] = value;
  }
  return result;
}
