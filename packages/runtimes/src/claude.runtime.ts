import { type TokenUsage } from '@fracta/domain';

import { checkAgentInput } from './command-input.js';
import {
  arrayField,
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

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The cost of this run. `total_cost_usd` (like `modelUsage`) is the session's running total, so
 * after `--resume` it includes the earlier runs; `model_usage_since_last_result` holds this run's
 * cost per model. Older versions lack it: then the total is all there is.
 */
function runCost(event: JsonObject): number | undefined {
  const perModel = event.model_usage_since_last_result;
  if (!isObject(perModel)) return finiteNumber(event.total_cost_usd);
  let sum = 0;
  for (const entry of Object.values(perModel)) {
    const cost = isObject(entry) ? finiteNumber(entry.costUSD) : undefined;
    if (cost === undefined) return finiteNumber(event.total_cost_usd);
    sum += cost;
  }
  return sum;
}

/**
 * Reads `claude -p --output-format stream-json --verbose`: `system/init` (session_id, tools,
 * mcp_servers), `assistant` messages (text and tool_use blocks), `user` messages (tool_result
 * blocks), and one final `result` (result text, session_id, usage, total_cost_usd, is_error).
 * `usage` in the result is this run's; an API error still ends with a result, with `is_error`
 * true, `subtype` "success" and the error text as `result`.
 */
class ClaudeOutputParser extends JsonLinesParser {
  #verdict: Verdict = { kind: 'none' };
  #finalText: string | null = null;
  #lastAssistantText: string | null = null;
  #usage: TokenUsage | null = null;
  readonly #toolNames = new Map<string, string>();

  protected onEvent(event: JsonObject): OutputEvent[] {
    const events = this.noteSession(event.session_id);
    switch (event.type) {
      case 'assistant':
        events.push(...this.#assistant(event));
        break;
      case 'user':
        events.push(...this.#toolResults(event.message));
        break;
      case 'result':
        events.push(...this.#result(event));
        break;
      default:
        break;
    }
    return events;
  }

  finish(exit: ExitInfo): RunOutcome {
    return decideOutcome(
      {
        runtime: 'claude',
        verdict: this.#verdict,
        finalText: this.#finalText ?? this.#lastAssistantText,
        resumeToken: this.sessionId,
        usage: this.#usage,
        skippedLines: this.skippedLines,
      },
      exit,
    );
  }

  #assistant(event: JsonObject): OutputEvent[] {
    const message = event.message;
    if (!isObject(message)) return [];
    // An API failure comes as a synthetic assistant message (model "<synthetic>") holding the
    // error text; the result event reports it, and it is no answer.
    if (event.is_api_error_message === true || message.model === '<synthetic>') return [];
    const events: OutputEvent[] = [];
    const texts: string[] = [];
    for (const block of arrayField(message.content).filter(isObject)) {
      const text = stringField(block.text);
      if (block.type === 'text' && text !== undefined && text !== '') {
        texts.push(text);
        events.push(textEvent(text));
      } else if (block.type === 'tool_use') {
        const name = bounded(stringField(block.name) ?? 'unknown', 200);
        const id = stringField(block.id);
        if (id !== undefined && this.#toolNames.size < 10_000) this.#toolNames.set(id, name);
        events.push({ kind: 'tool', name, phase: 'started' });
      }
    }
    if (texts.length > 0) this.#lastAssistantText = texts.join('\n');
    return events;
  }

  #toolResults(message: unknown): OutputEvent[] {
    if (!isObject(message)) return [];
    return arrayField(message.content)
      .filter(isObject)
      .filter((block) => block.type === 'tool_result')
      .map((block) => ({
        kind: 'tool' as const,
        name: this.#toolNames.get(stringField(block.tool_use_id) ?? '') ?? 'unknown',
        phase: block.is_error === true ? ('failed' as const) : ('completed' as const),
      }));
  }

  #result(event: JsonObject): OutputEvent[] {
    const events: OutputEvent[] = [];
    const text = stringField(event.result);
    const subtype = stringField(event.subtype) ?? 'success';
    const failed = event.is_error === true || subtype !== 'success';
    // A failed run's `result` is the error message, not an answer.
    if (text !== undefined && !failed) this.#finalText = text;
    const usage = isObject(event.usage) ? event.usage : null;
    const cost = runCost(event);
    if (usage) {
      this.#usage = usageOf(
        countField(usage.input_tokens) + countField(usage.cache_creation_input_tokens),
        countField(usage.output_tokens),
        countField(usage.cache_read_input_tokens),
        cost,
      );
      events.push({ kind: 'usage', usage: this.#usage });
    }
    if (failed) {
      const errors = arrayField(event.errors).filter((entry): entry is string => typeof entry === 'string');
      const said = text !== undefined && text.trim() !== '' ? text : errors.join('; ');
      const message = bounded(said !== '' ? said : `claude ended with ${subtype}`, 1_000);
      this.#verdict = { kind: 'error', message };
      events.push({ kind: 'error', message });
    } else {
      this.#verdict = { kind: 'success' };
    }
    return events;
  }
}

export const claudeRuntime: RuntimeAdapter = {
  name: 'claude',
  defaultBinary: 'claude',
  usageScope: 'run',
  requiredEnvHints: [
    {
      name: 'ANTHROPIC_API_KEY',
      description: 'API key, unless the user is logged in (claude /login) or uses Bedrock/Vertex settings',
    },
    {
      name: 'ANTHROPIC_BASE_URL',
      description: 'model endpoint override: a proxy, or a scripted model on 127.0.0.1 in tests',
    },
    {
      name: 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
      description: 'set to 1 to stop telemetry and update checks (needed offline)',
    },
  ],

  batchCommand(input) {
    const checked = checkAgentInput('claude', input, 'claude');
    const args = ['-p', '--output-format', 'stream-json', '--verbose'];
    if (checked.model !== null) args.push('--model', checked.model);
    if (checked.resumeToken !== null) args.push('--resume', checked.resumeToken);
    // `--` ends the options: variadic flags in extraArgs (--allowedTools a b) cannot eat the prompt,
    // and a prompt starting with '-' is not read as a flag.
    args.push(...checked.extraArgs, '--', checked.prompt);
    return { command: checked.binary, args, env: {} };
  },

  parseOutput(stdout, exit) {
    return parseWith(new ClaudeOutputParser(), stdout, exit);
  },

  createOutputParser() {
    return new ClaudeOutputParser();
  },
};
