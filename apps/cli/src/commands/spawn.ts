import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { RUNTIMES, ValidationError, type Runtime } from '@fracta/domain';
import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { describeAgent } from '../lib/render.js';

const PROMPT_FILE_MAX_BYTES = 256 * 1024;

function parseLabels(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const labels: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new ValidationError('LABEL_INVALID', `--label ${value}: write key=value`);
    labels[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return labels;
}

export default class Spawn extends BaseCommand {
  static override summary = 'Start an agent on a task, in its own worktree';
  static override description = [
    'The agent works in .worktrees/<task> on branch feature/<task>, started from the base branch',
    '(default: your current branch). Beyond reaper.max_concurrent running agents it is queued and',
    'starts in order when a slot frees; it is never rejected for being over the cap.',
    '',
    'Give the task with --prompt or --prompt-file. For the command runtime, put the program and',
    'its arguments after --; the prompt (optional) reaches it as $FRACTA_PROMPT.',
    '',
    'Then: fracta list, fracta logs <task> --follow, fracta say <task> TEXT, fracta merge <task>.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> spawn --task fix-login --prompt "Fix the login redirect bug and add a test"',
    '<%= config.bin %> spawn --task docs --runtime codex --prompt-file tasks/docs.md --base-branch develop',
    '<%= config.bin %> spawn --task lint-fix --runtime command -- ./scripts/fix.sh --all',
    '<%= config.bin %> spawn --task big-refactor --prompt "..." --dry-run',
  ];
  static override strict = false;
  static override enableJsonFlag = true;
  static override flags = {
    task: Flags.string({
      char: 't',
      description: "the agent's name: 1-64 letters, digits, '_' or '-'",
      required: true,
    }),
    runtime: Flags.string({
      char: 'r',
      description: 'claude, codex, opencode or command',
      options: [...RUNTIMES],
    }),
    prompt: Flags.string({ char: 'p', description: 'the task, as text', exclusive: ['prompt-file'] }),
    'prompt-file': Flags.string({ description: 'read the task from this file', exclusive: ['prompt'] }),
    'base-branch': Flags.string({ char: 'b', description: 'branch the worktree starts from' }),
    model: Flags.string({
      char: 'm',
      description: 'model name, as the runtime takes it (opencode: provider/model)',
    }),
    label: Flags.string({ char: 'l', description: 'key=value, repeatable', multiple: true }),
    queued: Flags.boolean({ description: 'return at once without waiting for the agent to start' }),
    'dry-run': Flags.boolean({
      description: 'show what would run (command, workspace, env names) and change nothing',
    }),
  };

  async run(): Promise<unknown> {
    const { flags, argv } = await this.parse(Spawn);
    const command = (argv as string[]).filter((arg) => arg !== '--');
    const prompt =
      flags['prompt-file'] === undefined ? flags.prompt : await this.readPrompt(flags['prompt-file']);
    const runtime = (flags.runtime as Runtime | undefined) ?? (command.length > 0 ? 'command' : undefined);
    const request = {
      name: flags.task,
      ...(runtime === undefined ? {} : { runtime }),
      ...(prompt === undefined ? {} : { prompt }),
      ...(command.length === 0 ? {} : { command }),
      ...(flags['base-branch'] === undefined ? {} : { base_branch: flags['base-branch'] }),
      ...(flags.model === undefined ? {} : { model: flags.model }),
      ...(parseLabels(flags.label) === undefined ? {} : { labels: parseLabels(flags.label) }),
      ...(flags.queued ? { queued: true } : {}),
    };
    const client = await this.client();
    if (flags['dry-run']) {
      const plan = await client.dryRun(request);
      this.log(
        `would spawn ${plan.name} (${plan.runtime}, ${plan.queued ? 'queued behind the cap' : 'starts now'})`,
      );
      this.log(`  command:   ${[plan.binary_path, ...plan.args].join(' ')}`);
      this.log(
        `  workspace: ${plan.workspace.path}${plan.workspace.branch ? ` on ${plan.workspace.branch}` : ''}`,
      );
      this.log(`  env:       ${plan.env.join(' ')}`);
      if (plan.files.length > 0) this.log(`  files:     ${plan.files.join(' ')}`);
      return plan;
    }
    const agent = await client.spawn(request);
    this.log(`spawned ${describeAgent(agent)}`);
    if (agent.workspace_path) this.log(`  workspace: ${agent.workspace_path}`);
    this.log(`  follow it: fracta logs ${agent.name} --follow`);
    return agent;
  }

  private async readPrompt(file: string): Promise<string> {
    const path = resolve(file);
    let text: Buffer;
    try {
      text = await readFile(path);
    } catch (error) {
      throw new ValidationError(
        'PROMPT_FILE_UNREADABLE',
        `cannot read --prompt-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    if (text.length > PROMPT_FILE_MAX_BYTES) {
      throw new ValidationError(
        'PROMPT_FILE_TOO_LARGE',
        `--prompt-file ${file} is ${text.length} bytes, over ${PROMPT_FILE_MAX_BYTES}: point the prompt at the file in the repo instead`,
      );
    }
    return text.toString('utf8');
  }
}
