import { Args, Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';

export default class Logs extends BaseCommand {
  static override summary = "Print an agent's output (its current run's stdout)";
  static override description =
    'The last --lines lines; with --follow, then everything it prints until the run ends (Ctrl-C stops following, not the agent). The raw output of claude, codex and opencode is JSON lines.';
  static override examples = [
    '<%= config.bin %> logs fix-login',
    '<%= config.bin %> logs fix-login --follow',
    '<%= config.bin %> logs fix-login --stderr --lines 50',
  ];
  static override args = { name: Args.string({ description: 'agent name', required: true }) };
  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing until the run ends' }),
    lines: Flags.integer({
      char: 'n',
      description: 'how many lines of the end',
      default: 200,
      min: 1,
      max: 10_000,
    }),
    stderr: Flags.boolean({ description: 'stderr instead of stdout' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Logs);
    const client = await this.client();
    const query = { lines: flags.lines, stream: flags.stderr ? ('stderr' as const) : ('stdout' as const) };
    if (!flags.follow) {
      process.stdout.write(await client.logs(args.name, query));
      return;
    }
    const abort = new AbortController();
    process.once('SIGINT', () => {
      abort.abort();
    });
    for await (const text of client.followLogs(args.name, query, abort.signal)) process.stdout.write(text);
  }
}
