import type { AgentView } from '@fracta/api-contract';
import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';

const columns = (a: AgentView) => [
  a.name,
  a.runtime,
  a.status,
  a.branch ?? '-',
  a.intent ?? a.failure_reason ?? '',
];

export default class List extends BaseCommand {
  static override summary = 'List agents';
  static override description = 'Filters combine; --label may repeat (every label must match).';
  static override examples = [
    '<%= config.bin %> list',
    '<%= config.bin %> list --status running,queued',
    '<%= config.bin %> list --runtime claude --label team=core --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    status: Flags.string({
      description: 'comma-separated statuses (queued, running, idle, completed, failed, stopped)',
    }),
    runtime: Flags.string({ description: 'comma-separated runtimes (claude, codex, opencode, command)' }),
    label: Flags.string({ description: 'key=value', multiple: true }),
    limit: Flags.integer({ description: 'at most this many agents', default: 500, min: 1 }),
  };

  async run(): Promise<AgentView[]> {
    const { flags } = await this.parse(List);
    const client = await this.client();
    const agents: AgentView[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listAgents({
        status: flags.status,
        runtime: flags.runtime,
        label: flags.label?.join(','),
        limit: Math.min(500, flags.limit - agents.length),
        cursor,
      });
      agents.push(...page.agents);
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined && agents.length < flags.limit);
    if (agents.length === 0) {
      this.log('no agents');
      return agents;
    }
    const rows = [['NAME', 'RUNTIME', 'STATUS', 'BRANCH', 'INTENT'], ...agents.map(columns)];
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
    for (const row of rows)
      this.log(
        row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      );
    return agents;
  }
}
