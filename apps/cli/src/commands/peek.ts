import { Args } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { describeAgent } from '../lib/render.js';

export default class Peek extends BaseCommand {
  static override summary = 'A quick look at an agent: status, intent, last output, recent output';
  static override examples = ['<%= config.bin %> peek fix-login', '<%= config.bin %> peek fix-login --json'];
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'agent name', required: true }) };

  async run(): Promise<unknown> {
    const { args } = await this.parse(Peek);
    const client = await this.client();
    const peek = await client.peek(args.name);
    const agent = peek.agent;
    this.log(describeAgent(agent));
    if (agent.intent) this.log(`intent: ${agent.intent}`);
    if (peek.run) this.log(`run ${peek.run.seq} (${peek.run.id}): ${peek.run.status}`);
    if (agent.usage) {
      const cost = agent.usage.cost_usd === undefined ? '' : `, $${agent.usage.cost_usd.toFixed(4)}`;
      this.log(`usage: ${agent.usage.input_tokens} in, ${agent.usage.output_tokens} out${cost}`);
    }
    if (agent.last_output) {
      this.log('--- last output');
      this.log(agent.last_output);
    }
    if (peek.stderr_tail.trim() !== '' && agent.status === 'failed') {
      this.log('--- stderr (tail)');
      this.log(peek.stderr_tail.trimEnd());
    }
    return peek;
  }
}
