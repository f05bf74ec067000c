import { type Runtime, type RuntimeExit, type TokenUsage } from '@fracta/domain';

/** Where the agent runs. Codex refuses to run outside a git repository unless told to. */
export interface RuntimeWorkspace {
  readonly path: string;
  readonly kind: 'git-worktree' | 'directory';
}

/** One batch turn of an agent: its first prompt, or a `say` that resumes it. */
export interface BatchCommandInput {
  readonly prompt: string;
  readonly workspace: RuntimeWorkspace;
  /** Model name as the runtime takes it (opencode: `provider/model`). */
  readonly model?: string | null;
  /** The runtime's session/thread id from a previous run; resumes that conversation. */
  readonly resumeToken?: string | null;
  /** Binary to run (default: the runtime's usual name, found on PATH). Required for `command`. */
  readonly binary?: string | null;
  /** Arguments from fracta.yaml, placed before the prompt (for `command`: the whole argument list). */
  readonly extraArgs?: readonly string[];
}

/**
 * What to spawn: never through a shell; the prompt is always one argument (or one env value).
 * stdin must be empty (/dev/null): codex appends piped stdin to its prompt.
 */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
  /** Variables this runtime adds to the agent's environment (the control plane builds the rest). */
  readonly env: Readonly<Record<string, string>>;
}

/** How a run ended, read from the runtime's machine-readable output and its exit. */
export interface RunOutcome {
  readonly status: 'succeeded' | 'failed';
  /** The agent's final answer, when it gave one (bounded to 1 MiB). */
  readonly finalText: string | null;
  /** Pass back as `resumeToken` to continue this conversation. */
  readonly resumeToken: string | null;
  readonly usage: TokenUsage | null;
  /** Why the run failed, one line, bounded (only when `status` is `failed`). */
  readonly error?: string;
}

/** Live progress from one stdout line. */
export type OutputEvent =
  | { readonly kind: 'session'; readonly id: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tool'; readonly name: string; readonly phase: 'started' | 'completed' | 'failed' }
  | { readonly kind: 'usage'; readonly usage: TokenUsage }
  | { readonly kind: 'error'; readonly message: string };

/** What a run's end adds to its stdout: the exit, and optionally the tail of its stderr. */
export interface ExitInfo extends RuntimeExit {
  /** Last lines of stderr; its last non-empty line is quoted when the output has no result. */
  readonly stderrTail?: string;
}

/** Reads a runtime's stdout line by line. Not thread-safe; one per run. */
export interface OutputParser {
  /** Feeds one line (without its newline); returns what it means for live progress. */
  push(line: string): OutputEvent[];
  /** Decides the outcome once the process has exited. */
  finish(exit: ExitInfo): RunOutcome;
}

/** An environment variable a runtime reads, for documentation and `fracta doctor`. */
export interface EnvHint {
  readonly name: string;
  readonly description: string;
}

export interface RuntimeAdapter {
  readonly name: Runtime;
  /** The binary looked up on PATH when `binary` is not given (null for `command`). */
  readonly defaultBinary: string | null;
  /**
   * `run`: usage covers this run only (claude, opencode). `session`: usage is the whole
   * conversation's total so far (codex reports thread totals), so replace rather than add.
   */
  readonly usageScope: 'run' | 'session';
  /** Variables the runtime reads to authenticate or reach its model (documentation only). */
  readonly requiredEnvHints: readonly EnvHint[];
  /** The command line of one batch turn. Pure: validates, never spawns or touches files. */
  batchCommand(input: BatchCommandInput): CommandLine;
  /** Parses a finished run's whole stdout. */
  parseOutput(stdout: string, exit: ExitInfo): RunOutcome;
  /** A line parser for live progress; `finish` gives the same outcome as `parseOutput`. */
  createOutputParser(): OutputParser;
}
