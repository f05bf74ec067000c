import { type TokenUsage } from '@fracta/domain';

import { checkAgentInput } from './command-input.js';
import {
  bounded,
  countField,
  decideOutcome,
  isObject,
  type JsonObject,
  JsonLinesParser,
  parseJsonLine,
  parseWith,
  stringField,
  textEvent,
  usageOf,
  type Verdict,
} from './json-lines.js';
import { type ExitInfo, type OutputEvent, type RunOutcome, type RuntimeAdapter } from './runtime-adapter.js';
import { RuntimeInputInvalidError } from './runtimes.errors.js';

/** Codex wraps API errors as the JSON body in a string; show the inner message. */
function errorMessage(value: unknown): string {
  const raw = typeof value === 'string' ? value : isObject(value) ? (stringField(value.message) ?? '') : '';
  const inner = parseJsonLine(raw);
  const nested = inner && isObject(inner.error) ? stringField(inner.error.message) : undefined;
  return bounded(nested ?? (raw || 'unknown error'), 1_000);
}

/** Lines codex prints on stderr in every run; they explain no failure. */
const STDERR_NOISE = [
  /^Reading additional input from stdin\.\.\.$/,
  /^WARNING: proceeding, even though we could not create PATH aliases/,
];

function withoutNoise(stderr: string | undefined): string | undefined {
  if (stderr === undefined) return undefined;
  return stderr
    .split('\n')
    .filter((line) => !STDERR_NOISE.some((noise) => noise.test(line.trim())))
    .join('\n');
}

function toolName(item: JsonObject): string | null {
  switch (item.type) {
    case 'mcp_tool_call':
      return `${stringField(item.server) ?? 'mcp'}.${stringField(item.tool) ?? 'unknown'}`;
    case 'command_execution':
      return 'shell';
    case 'file_change':
      return 'apply_patch';
    case 'web_search':
      return 'web_search';
    default:
      return null;
  }
}

/**
 * Reads `codex exec --json`: `thread.started` (thread_id), `turn.started`, `item.started` /
 * `item.updated` / `item.completed` (agent_message, reasoning, command_execution, mcp_tool_call,
 * file_change, web_search, todo_list, and `error` items, which are warnings), `turn.completed`
 * (usage: the thread's totals so far), `turn.failed` and top-level `error`.
 */
class CodexOutputParser extends JsonLinesParser {
  #verdict: Verdict = { kind: 'none' };
  #lastError: string | null = null;
  #finalText: string | null = null;
  #usage: TokenUsage | null = null;

  protected onEvent(event: JsonObject): OutputEvent[] {
    switch (event.type) {
      case 'thread.started':
        return this.noteSession(event.thread_id);
      case 'item.started':
      case 'item.updated':
      case 'item.completed':
        return isObject(event.item) ? this.#item(event.type, event.item) : [];
      case 'turn.completed':
        return this.#turnCompleted(event.usage);
      case 'turn.failed': {
        const message = errorMessage(event.error);
        this.#verdict = { kind: 'error', message };
        return [{ kind: 'error', message }];
      }
      case 'error': {
        // Also sent while codex retries a stream; only fatal if no turn completes afterwards.
        const message = errorMessage(event.message);
        this.#lastError = message;
        return [{ kind: 'error', message }];
      }
      default:
        return [];
    }
  }

  finish(exit: ExitInfo): RunOutcome {
    const stderrTail = withoutNoise(exit.stderrTail);
    const verdict: Verdict =
      this.#verdict.kind === 'none' && this.#lastError !== null
        ? { kind: 'error', message: this.#lastError }
        : this.#verdict;
    return decideOutcome(
      {
        runtime: 'codex',
        verdict,
        finalText: this.#finalText,
        resumeToken: this.sessionId,
        usage: this.#usage,
        skippedLines: this.skippedLines,
      },
      stderrTail === undefined ? exit : { ...exit, stderrTail },
    );
  }

  #item(type: string, item: JsonObject): OutputEvent[] {
    if (item.type === 'agent_message') {
      const text = stringField(item.text);
      if (type !== 'item.completed' || text === undefined) return [];
      this.#finalText = text;
      return text === '' ? [] : [textEvent(text)];
    }
    const name = toolName(item);
    if (name === null || type === 'item.updated') return [];
    const status = stringField(item.status);
    const phase =
      type !== 'item.completed'
        ? ('started' as const)
        : status === 'failed' || status === 'declined'
          ? ('failed' as const)
          : ('completed' as const);
    return [{ kind: 'tool', name: bounded(name, 200), phase }];
  }

  #turnCompleted(usage: unknown): OutputEvent[] {
    this.#verdict = { kind: 'success' };
    this.#lastError = null;
    if (!isObject(usage)) return [];
    const cached = countField(usage.cached_input_tokens);
    this.#usage = usageOf(
      Math.max(0, countField(usage.input_tokens) - cached),
      countField(usage.output_tokens),
      cached,
    );
    return [{ kind: 'usage', usage: this.#usage }];
  }
}

export const codexRuntime: RuntimeAdapter = {
  name: 'codex',
  defaultBinary: 'codex',
  usageScope: 'session',
  requiredEnvHints: [
    {
      name: 'OPENAI_API_KEY',
      description: "API key, unless the user logged in with 'codex login' (auth in CODEX_HOME)",
    },
    {
      name: 'CODEX_HOME',
      description:
        'configuration and session directory (default ~/.codex); model providers live in its config.toml',
    },
  ],

  batchCommand(input) {
    const checked = checkAgentInput('codex', input, 'codex');
    if (checked.prompt.trim() === '-') {
      throw new RuntimeInputInvalidError(
        'RUNTIME_PROMPT_INVALID',
        'codex',
        "a prompt of just '-' makes codex read the prompt from stdin, which is empty; give the agent a task",
      );
    }
    const args = checked.resumeToken === null ? ['exec', '--json'] : ['exec', 'resume', '--json'];
    // Worktrees are git repositories; a plain directory is not, and codex refuses it without this.
    if (checked.workspace.kind !== 'git-worktree') args.push('--skip-git-repo-check');
    if (checked.model !== null) args.push('--model', checked.model);
    args.push(...checked.extraArgs, '--');
    if (checked.resumeToken !== null) args.push(checked.resumeToken);
    args.push(checked.prompt);
    return { command: checked.binary, args, env: {} };
  },

  parseOutput(stdout, exit) {
    return parseWith(new CodexOutputParser(), stdout, exit);
  },

  createOutputParser() {
    return new CodexOutputParser();
  },
};
