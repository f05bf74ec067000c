import { Args, Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { describeAgent } from '../lib/render.js';

export default class Kill extends BaseCommand {
  static override summary = 'Stop an agent and remove its worktree and branch';
  static override description =
    'A queued agent never starts; a running one gets SIGTERM (its whole process group), then SIGKILL after runtime.stop_grace. Its worktree and feature branch are deleted unless --keep-files. On a finished agent, kill only removes the files.';
  static override examples = [
    '<%= config.bin %> kill fix-login',
    '<%= config.bin %> kill fix-login --keep-files',
  ];
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'agent name', required: true }) };
  static override flags = {
    'keep-files': Flags.boolean({
      description: 'keep the worktree and branch (merge or inspect them later)',
    }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Kill);
    const client = await this.client();
    const agent = await client.kill(args.name, { keepFiles: flags['keep-files'] });
    this.log(`killed ${describeAgent(agent)}`);
    this.log(
      flags['keep-files']
        ? `  kept ${agent.workspace_path ?? 'its files'}`
        : '  removed its worktree and branch',
    );
    return agent;
  }
}
