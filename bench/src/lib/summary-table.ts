/** The closing table: each figure beside its baseline, the ratio, the budget and whether it holds. */
import { type BenchResult, budgetHolds, ratioOf, type Row } from './benchmark.js';

function value(amount: number, unit: Row['unit']): string {
  switch (unit) {
    case 'ms':
      return `${amount.toFixed(amount < 10 ? 2 : 1)} ms`;
    case 'MiB':
      return `${amount.toFixed(1)} MiB`;
    case 'count':
      return Math.round(amount).toLocaleString('en-US');
    case 'req/s':
      return `${Math.round(amount).toLocaleString('en-US')} req/s`;
  }
}

function budgetText(row: Row): string {
  if (row.budget === undefined) return '';
  return 'max' in row.budget ? `≤ ${row.budget.max.toFixed(2)}×` : `≥ ${row.budget.min.toFixed(2)}×`;
}

function verdict(row: Row): string {
  const holds = budgetHolds(row);
  return holds === null ? '' : holds ? 'holds' : 'MISSED';
}

export interface Outcome {
  readonly name: string;
  readonly result?: BenchResult;
  readonly error?: Error;
}

export function renderSummary(outcomes: readonly Outcome[]): string {
  const header = ['benchmark', 'figure', 'subject', 'baseline', 'ratio', 'budget', 'verdict'];
  const lines: string[][] = [header];
  for (const outcome of outcomes) {
    if (outcome.result === undefined) {
      lines.push([outcome.name, `FAILED: ${outcome.error?.message.split('\n')[0] ?? 'unknown error'}`]);
      continue;
    }
    for (const row of outcome.result.rows) {
      const ratio = ratioOf(row);
      lines.push([
        outcome.name,
        row.figure,
        value(row.subject, row.unit),
        row.baseline === null ? '' : `${value(row.baseline, row.unit)} (${row.baselineName})`,
        ratio === null ? '' : `${ratio.toFixed(2)}×`,
        budgetText(row),
        verdict(row),
      ]);
    }
  }
  const widths = header.map((_, column) =>
    Math.max(...lines.filter((line) => line.length > 2).map((line) => (line[column] ?? '').length)),
  );
  const render = (line: string[]) =>
    line.length <= 2
      ? line.join('  ')
      : line
          .map((cell, column) =>
            column === 2 || column === 4
              ? cell.padStart(widths[column] ?? 0)
              : cell.padEnd(widths[column] ?? 0),
          )
          .join('  ')
          .trimEnd();
  const out = [render(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const line of lines.slice(1)) out.push(render(line));
  for (const outcome of outcomes) {
    const notes = outcome.result?.notes ?? [];
    if (notes.length === 0) continue;
    out.push('', `${outcome.name}:`);
    for (const note of notes) out.push(`  ${note}`);
  }
  return out.join('\n');
}
