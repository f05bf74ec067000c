import { Args } from '@oclif/core';

import { BaseCommand } from '../base-command.js';

export default class Merge extends BaseCommand {
  static override summary = "Merge an agent's branch into its base branch";
  static override description =
    'git merge --no-ff feature/<agent> into the branch it started from. Conflicts abort the merge and list the files; both branches stay as they were. The base branch, if checked out, must have no uncommitted changes.';
  static override examples = ['<%= config.bin %> merge fix-login'];
  static override enableJsonFlag = true;
  static override args = { name: Args.string({ description: 'agent name', required: true }) };

  async run(): Promise<unknown> {
    const { args } = await this.parse(Merge);
    const client = await this.client();
    const result = await client.merge(args.name);
    this.log(
      `merged ${result.branch ?? args.name} into ${result.base_branch ?? 'its base'} (${result.commit.slice(0, 12)})`,
    );
    return result;
  }
}
