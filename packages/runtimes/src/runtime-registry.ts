import { type Runtime, RUNTIMES } from '@fracta/domain';

import { claudeRuntime } from './claude.runtime.js';
import { codexRuntime } from './codex.runtime.js';
import { commandRuntime } from './command.runtime.js';
import { opencodeRuntime } from './opencode.runtime.js';
import { type RuntimeAdapter } from './runtime-adapter.js';
import { RuntimeUnknownError } from './runtimes.errors.js';

/** Every runtime adapter, by runtime name. */
export const runtimeAdapters: Readonly<Record<Runtime, RuntimeAdapter>> = Object.freeze({
  claude: claudeRuntime,
  codex: codexRuntime,
  opencode: opencodeRuntime,
  command: commandRuntime,
});

/** The adapter of `name`; throws RuntimeUnknownError (RUNTIME_UNKNOWN) for anything else. */
export function getRuntimeAdapter(name: string): RuntimeAdapter {
  if (!(RUNTIMES as readonly string[]).includes(name)) throw new RuntimeUnknownError(name, RUNTIMES);
  return runtimeAdapters[name as Runtime];
}
