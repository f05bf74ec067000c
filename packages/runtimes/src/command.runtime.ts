import { checkBinary, checkExtraArgs, checkModel, checkPrompt, checkWorkspace } from './command-input.js';
import { bounded, decideOutcome, MAX_EVENT_TEXT_CHARS, parseWith } from './json-lines.js';
import {
  type ExitInfo,
  type OutputEvent,
  type OutputParser,
  type RunOutcome,
  type RuntimeAdapter,
} from './runtime-adapter.js';
import { RuntimeInputInvalidError } from './runtimes.errors.js';

/** The environment variable that carries the prompt to a `command` agent. */
export const PROMPT_ENV = 'FRACTA_PROMPT';
/** The environment variable that carries the configured model, when one is set. */
export const MODEL_ENV = 'FRACTA_MODEL';
/** How much of a command's stdout tail becomes its final text. */
const FINAL_TEXT_TAIL_CHARS = 16 * 1024;

/** Any program: each stdout line is progress text; the exit code decides; no session, no usage. */
class CommandOutputParser implements OutputParser {
  #tail = '';

  push(line: string): OutputEvent[] {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.#tail = `${this.#tail}${this.#tail === '' ? '' : '\n'}${text.slice(-FINAL_TEXT_TAIL_CHARS)}`.slice(
      -FINAL_TEXT_TAIL_CHARS,
    );
    return text.trim() === '' ? [] : [{ kind: 'text', text: bounded(text, MAX_EVENT_TEXT_CHARS) }];
  }

  finish(exit: ExitInfo): RunOutcome {
    const finalText = this.#tail.trim() === '' ? null : this.#tail.trim();
    return decideOutcome(
      {
        runtime: 'command',
        verdict: { kind: 'success' },
        finalText,
        resumeToken: null,
        usage: null,
        skippedLines: 0,
      },
      exit,
    );
  }
}

export const commandRuntime: RuntimeAdapter = {
  name: 'command',
  defaultBinary: null,
  usageScope: 'run',
  requiredEnvHints: [
    {
      name: PROMPT_ENV,
      description: 'set by fracta: the prompt of this run (the program reads it; stdin is empty)',
    },
    { name: MODEL_ENV, description: 'set by fracta when the runtime has a model configured' },
  ],

  batchCommand(input) {
    // A command agent's prompt is optional (the program may need none): empty reaches it as ''.
    const prompt = input.prompt === '' ? '' : checkPrompt('command', input.prompt);
    const model = checkModel('command', input.model);
    checkWorkspace('command', input.workspace);
    if (input.binary === undefined || input.binary === null) {
      throw new RuntimeInputInvalidError(
        'RUNTIME_COMMAND_MISSING',
        'command',
        'no program to run: set agents.agent_runtimes.command.command (and args) in fracta.yaml',
      );
    }
    if (input.resumeToken !== undefined && input.resumeToken !== null) {
      throw new RuntimeInputInvalidError(
        'RUNTIME_RESUME_UNSUPPORTED',
        'command',
        'a command agent has no session to resume; run it again with a new prompt instead',
      );
    }
    return {
      command: checkBinary('command', input.binary, ''),
      args: checkExtraArgs('command', input.extraArgs, true),
      env: { [PROMPT_ENV]: prompt, ...(model === null ? {} : { [MODEL_ENV]: model }) },
    };
  },

  parseOutput(stdout, exit) {
    return parseWith(new CommandOutputParser(), stdout, exit);
  },

  createOutputParser() {
    return new CommandOutputParser();
  },
};
