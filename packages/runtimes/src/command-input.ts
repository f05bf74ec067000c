import { isAbsolute } from 'node:path';

import { type BatchCommandInput, type RuntimeWorkspace } from './runtime-adapter.js';
import { RuntimeInputInvalidError } from './runtimes.errors.js';

/**
 * Largest prompt, in UTF-8 bytes. Linux refuses a single argument or environment string over
 * 128 KiB (MAX_ARG_STRLEN), and the prompt is passed as one.
 */
export const PROMPT_MAX_BYTES = 120_000;
const MAX_ARGS = 256;
const MAX_ARG_CHARS = 8_192;
const MAX_ARGS_TOTAL_CHARS = 65_536;
const MAX_BINARY_CHARS = 4_096;
const MAX_MODEL_CHARS = 200;
const MAX_TOKEN_CHARS = 256;
const TOKEN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function quote(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

/** A given value for an error message: strings quoted and cut, anything else by its type. */
function shown(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return Array.isArray(value) ? 'a list' : `a value of type ${typeof value}`;
}

// The checks take `unknown`: the values come from fracta.yaml and API bodies, and a wrong type
// must become a RuntimeInputInvalidError naming the fix, not a TypeError.

export function checkPrompt(runtime: string, prompt: unknown): string {
  if (typeof prompt !== 'string' || prompt.trim() === '') {
    throw new RuntimeInputInvalidError(
      'RUNTIME_PROMPT_INVALID',
      runtime,
      'the prompt is empty; give the agent a task',
    );
  }
  if (prompt.includes('\u0000')) {
    throw new RuntimeInputInvalidError(
      'RUNTIME_PROMPT_INVALID',
      runtime,
      'the prompt contains a NUL character, which cannot be passed to a process; remove it',
    );
  }
  const bytes = Buffer.byteLength(prompt, 'utf8');
  if (bytes > PROMPT_MAX_BYTES) {
    throw new RuntimeInputInvalidError(
      'RUNTIME_PROMPT_INVALID',
      runtime,
      `the prompt is ${bytes} bytes, over the ${PROMPT_MAX_BYTES}-byte limit; put long material in a file in the workspace and point the prompt at it`,
    );
  }
  return prompt;
}

export function checkModel(runtime: string, model: unknown): string | null {
  if (model === undefined || model === null) return null;
  if (
    typeof model !== 'string' ||
    model === '' ||
    model.length > MAX_MODEL_CHARS ||
    model.startsWith('-') ||
    CONTROL_CHARS.test(model) ||
    /\s/.test(model)
  ) {
    throw new RuntimeInputInvalidError(
      'RUNTIME_MODEL_INVALID',
      runtime,
      `invalid model ${shown(model)}: set agents.agent_runtimes.${runtime}.model to a model name of at most ${MAX_MODEL_CHARS} characters, without spaces, not starting with '-'`,
    );
  }
  return model;
}

function checkResumeToken(runtime: string, token: unknown): string | null {
  if (token === undefined || token === null) return null;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !TOKEN_PATTERN.test(token)) {
    throw new RuntimeInputInvalidError(
      'RUNTIME_RESUME_TOKEN_INVALID',
      runtime,
      `invalid resume token ${shown(token)}: it must be the session id the runtime reported (letters, digits, '.', '_', ':', '-'); start a new session instead`,
    );
  }
  return token;
}

export function checkBinary(runtime: string, binary: unknown, fallback: string): string {
  if (binary === undefined || binary === null) return fallback;
  if (
    typeof binary !== 'string' ||
    binary.trim() === '' ||
    binary.length > MAX_BINARY_CHARS ||
    CONTROL_CHARS.test(binary)
  ) {
    throw new RuntimeInputInvalidError(
      'RUNTIME_BINARY_INVALID',
      runtime,
      `invalid binary ${shown(binary)}: set agents.agent_runtimes.${runtime}.command to a program name or path`,
    );
  }
  return binary;
}

/** Extra arguments; `allowDoubleDash` is false where fracta itself ends the options before the prompt. */
export function checkExtraArgs(runtime: string, args: unknown, allowDoubleDash: boolean): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args) || args.length > MAX_ARGS) {
    throw new RuntimeInputInvalidError(
      'RUNTIME_ARGS_INVALID',
      runtime,
      `args must be a list of at most ${MAX_ARGS} strings; fix agents.agent_runtimes.${runtime}.args`,
    );
  }
  const checked: string[] = [];
  let total = 0;
  for (const [index, arg] of (args as unknown[]).entries()) {
    if (typeof arg !== 'string' || arg.length > MAX_ARG_CHARS || arg.includes('\u0000')) {
      throw new RuntimeInputInvalidError(
        'RUNTIME_ARGS_INVALID',
        runtime,
        `args[${index}] must be a string of at most ${MAX_ARG_CHARS} characters without NUL; fix agents.agent_runtimes.${runtime}.args`,
      );
    }
    if (arg === '--' && !allowDoubleDash) {
      throw new RuntimeInputInvalidError(
        'RUNTIME_ARGS_INVALID',
        runtime,
        `args[${index}] is '--'; remove it: fracta ends the options itself before the prompt`,
      );
    }
    total += arg.length;
    checked.push(arg);
  }
  if (total > MAX_ARGS_TOTAL_CHARS) {
    throw new RuntimeInputInvalidError(
      'RUNTIME_ARGS_INVALID',
      runtime,
      `args total ${total} characters, over the ${MAX_ARGS_TOTAL_CHARS}-character limit; shorten agents.agent_runtimes.${runtime}.args`,
    );
  }
  return checked;
}

export function checkWorkspace(runtime: string, workspace: unknown): RuntimeWorkspace {
  const given = (typeof workspace === 'object' && workspace !== null ? workspace : {}) as Partial<
    Record<keyof RuntimeWorkspace, unknown>
  >;
  if (
    typeof given.path !== 'string' ||
    !isAbsolute(given.path) ||
    (given.kind !== 'git-worktree' && given.kind !== 'directory')
  ) {
    throw new RuntimeInputInvalidError(
      'RUNTIME_WORKSPACE_INVALID',
      runtime,
      "the workspace must have an absolute path and a kind of 'git-worktree' or 'directory'; prepare it before building the command",
    );
  }
  return { path: given.path, kind: given.kind };
}

/** The checks every agent CLI shares. */
export function checkAgentInput(
  runtime: string,
  input: BatchCommandInput,
  defaultBinary: string,
): {
  prompt: string;
  model: string | null;
  resumeToken: string | null;
  binary: string;
  extraArgs: string[];
  workspace: RuntimeWorkspace;
} {
  return {
    prompt: checkPrompt(runtime, input.prompt),
    model: checkModel(runtime, input.model),
    resumeToken: checkResumeToken(runtime, input.resumeToken),
    binary: checkBinary(runtime, input.binary, defaultBinary),
    extraArgs: checkExtraArgs(runtime, input.extraArgs, false),
    workspace: checkWorkspace(runtime, input.workspace),
  };
}
