import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';

export default class Watch extends BaseCommand {
  static override summary = 'Stream the event log live (Ctrl-C to stop)';
  static override description =
    'Starts at the newest event, or replays from --since. One line per event; --json prints one JSON object per line.';
  static override examples = [
    '<%= config.bin %> watch',
    '<%= config.bin %> watch --agent lint-fix --since 0 --json',
  ];
  static override flags = {
    agent: Flags.string({ description: 'only this agent' }),
    since: Flags.integer({ description: 'replay events after this id', min: 0 }),
    json: Flags.boolean({ description: 'one JSON object per line' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Watch);
    const client = await this.client();
    const abort = new AbortController();
    process.once('SIGINT', () => {
      abort.abort();
    });
    const query = {
      ...(flags.since === undefined ? {} : { since: flags.since }),
      ...(flags.agent ? { agent: flags.agent } : {}),
    };
    for await (const event of client.watch(query, abort.signal)) {
      if (flags.json) this.log(JSON.stringify(event));
      else {
        const transition = event.attrs.from ? ` ${event.attrs.from} -> ${event.attrs.to ?? '?'}` : '';
        this.log(`${event.ts} #${event.id} ${event.action} ${event.agent ?? '-'}${transition}`);
      }
    }
  }
}
