import { type TokenUsage } from '@fracta/domain';

import { checkAgentInput } from './command-input.js';
import {
  bounded,
  countField,
  decideOutcome,
  isObject,
  type JsonObject,
  JsonLinesParser,
  parseWith,
  stringField,
  textEvent,
  usageOf,
  type Verdict,
} from './json-lines.js';
import { type ExitInfo, type OutputEvent, type RunOutcome, type RuntimeAdapter } from './runtime-adapter.js';
import { RuntimeInputInvalidError } from './runtimes.errors.js';

/**
 * Whether yargs (opencode's argument parser) turns `text` into a number, even after `--`
 * (yargs-parser's isNumber and its safe-integer rule). opencode then fails on the number where it
 * expects message text.
 */
function yargsParsesAsNumber(text: string): boolean {
  if (/^0x[0-9a-f]+$/i.test(text)) return true;
  if (/^0[^.]/.test(text)) return false;
  if (!/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/.test(text)) return false;
  return Number.isSafeInteger(Math.floor(Number.parseFloat(text)));
}

function errorMessage(error: unknown): string {
  if (!isObject(error)) return 'unknown error';
  const data = isObject(error.data) ? error.data : {};
  const message = stringField(data.message) ?? stringField(error.message);
  const name = stringField(error.name);
  return bounded(message ?? name ?? 'unknown error', 1_000);
}

/**
 * Reads `opencode run --format json`: every event has `type`, `timestamp`, `sessionID` and a
 * `part`: `step_start`, `text` (part.text, part.messageID), `reasoning`, `tool_use` (part.tool,
 * part.state.status), `step_finish` (part.tokens {input, output, reasoning, cache {read, write}},
 * part.cost, part.reason); and `error` (error.name, error.data.message).
 */
class OpencodeOutputParser extends JsonLinesParser {
  #verdict: Verdict = { kind: 'none' };
  #lastMessageId: string | null = null;
  #lastMessageTexts: string[] = [];
  #input = 0;
  #output = 0;
  #cacheRead = 0;
  #cost = 0;
  #steps = 0;

  protected onEvent(event: JsonObject): OutputEvent[] {
    const events = this.noteSession(event.sessionID);
    const part = isObject(event.part) ? event.part : {};
    switch (event.type) {
      case 'text': {
        const text = stringField(part.text);
        if (text === undefined || text === '') break;
        const messageId = stringField(part.messageID) ?? '';
        if (messageId !== this.#lastMessageId) {
          this.#lastMessageId = messageId;
          this.#lastMessageTexts = [];
        }
        if (this.#lastMessageTexts.length < 1_000) this.#lastMessageTexts.push(text);
        events.push(textEvent(text));
        break;
      }
      case 'tool_use': {
        const state = isObject(part.state) ? part.state : {};
        const status = stringField(state.status);
        const phase = status === 'completed' ? 'completed' : status === 'error' ? 'failed' : 'started';
        events.push({ kind: 'tool', name: bounded(stringField(part.tool) ?? 'unknown', 200), phase });
        break;
      }
      case 'step_finish':
        events.push(...this.#stepFinished(part));
        break;
      case 'error': {
        const message = errorMessage(event.error);
        this.#verdict = { kind: 'error', message };
        events.push({ kind: 'error', message });
        break;
      }
      default:
        break;
    }
    return events;
  }

  finish(exit: ExitInfo): RunOutcome {
    return decideOutcome(
      {
        runtime: 'opencode',
        verdict: this.#verdict,
        finalText: this.#lastMessageTexts.length > 0 ? this.#lastMessageTexts.join('\n') : null,
        resumeToken: this.sessionId,
        usage: this.#usage(),
        skippedLines: this.skippedLines,
      },
      exit,
    );
  }

  #stepFinished(part: JsonObject): OutputEvent[] {
    this.#steps += 1;
    if (this.#verdict.kind === 'none') this.#verdict = { kind: 'success' };
    const tokens = isObject(part.tokens) ? part.tokens : {};
    const cache = isObject(tokens.cache) ? tokens.cache : {};
    this.#input += countField(tokens.input) + countField(cache.write);
    this.#output += countField(tokens.output);
    this.#cacheRead += countField(cache.read);
    this.#cost += countField(part.cost);
    const usage = this.#usage();
    return usage ? [{ kind: 'usage', usage }] : [];
  }

  #usage(): TokenUsage | null {
    if (this.#steps === 0) return null;
    // opencode reports cost 0 for providers it has no prices for: leave the cost out then.
    return usageOf(this.#input, this.#output, this.#cacheRead, this.#cost > 0 ? this.#cost : undefined);
  }
}

export const opencodeRuntime: RuntimeAdapter = {
  name: 'opencode',
  defaultBinary: 'opencode',
  usageScope: 'run',
  requiredEnvHints: [
    {
      name: 'OPENCODE_CONFIG_CONTENT',
      description:
        'inline configuration merged over the files (providers, model); opencode.json in the workspace works too',
    },
    {
      name: 'ANTHROPIC_API_KEY / OPENAI_API_KEY / …',
      description: "the chosen provider's key, unless stored with 'opencode auth login'",
    },
  ],

  batchCommand(input) {
    const checked = checkAgentInput('opencode', input, 'opencode');
    if (yargsParsesAsNumber(checked.prompt)) {
      throw new RuntimeInputInvalidError(
        'RUNTIME_PROMPT_INVALID',
        'opencode',
        'a prompt that is just a number makes opencode 1.18 crash ("G.includes is not a function"); say what to do with it',
      );
    }
    const args = ['run', '--format', 'json'];
    if (checked.model !== null) args.push('--model', checked.model);
    if (checked.resumeToken !== null) args.push('--session', checked.resumeToken);
    args.push(...checked.extraArgs, '--', checked.prompt);
    return { command: checked.binary, args, env: {} };
  },

  parseOutput(stdout, exit) {
    return parseWith(new OpencodeOutputParser(), stdout, exit);
  },

  createOutputParser() {
    return new OpencodeOutputParser();
  },
};
