/** Small text helpers shared by the commands: tables and one-line agent summaries. */
import type { AgentView } from '@fracta/api-contract';

export function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "name (status)" plus where it works, for spawn/say/kill confirmations. */
export function describeAgent(agent: AgentView): string {
  const where = agent.branch ? ` on ${agent.branch}` : '';
  const reason = agent.failure_reason ? `: ${oneLine(agent.failure_reason, 200)}` : '';
  return `${agent.name} (${agent.status}${reason})${where}`;
}
