import { Args } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { describeAgent } from '../lib/render.js';

export default class Say extends BaseCommand {
  static override summary = 'Talk to an agent';
  static override description =
    'A finished agent resumes its session with your message as a new turn (same conversation, same worktree). A running agent gets it in its mailbox (it reads it with the fracta_inbox tool).';
  static override examples = [
    '<%= config.bin %> say fix-login "Also cover the logout path"',
    '<%= config.bin %> say fix-login "$(cat review.md)"',
  ];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({ description: 'agent name', required: true }),
    text: Args.string({ description: 'the message', required: true }),
  };

  async run(): Promise<unknown> {
    const { args } = await this.parse(Say);
    const client = await this.client();
    const result = await client.say(args.name, args.text);
    this.log(
      result.delivered === 'resumed'
        ? `resumed ${describeAgent(result.agent)}`
        : `delivered to the mailbox of ${describeAgent(result.agent)}`,
    );
    return result;
  }
}
