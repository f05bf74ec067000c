/**
 * A fleet of agents written straight into the store through its AgentRepository: mixed runtimes,
 * a third each queued, running (with live output) and completed (exit code, output tail), three
 * labels each, some with a parent.
 */
import { join } from 'node:path';

import { RUNTIMES } from '@fracta/domain';
import type { StateStore } from '@fracta/store-typeorm';

const TEAMS = ['core', 'web', 'infra', 'data'];

function outputTail(i: number): string {
  return Array.from({ length: 6 }, (_, line) => `step ${String(line + 1)}/6 of task ${String(i)}: ok`).join(
    '\n',
  );
}

export async function seedAgents(store: StateStore, projectRoot: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const name = `agent-${String(i).padStart(4, '0')}`;
    const runtime = RUNTIMES[i % RUNTIMES.length] ?? 'command';
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
    await store.agents.create({
      draft: {
        name,
        runtime,
        mode: 'batch',
        workspacePath: join(projectRoot, '.worktrees', name),
        branch: `feature/${name}`,
        baseBranch: 'main',
        parentAgent: i % 10 === 0 || i < 10 ? null : `agent-${String(i - (i % 10)).padStart(4, '0')}`,
        labels: {
          team: TEAMS[i % TEAMS.length] ?? 'core',
          ticket: `FR-${String(1000 + i)}`,
          tier: i % 2 ? 'batch' : 'review',
        },
      },
      trigger: 'enqueue',
      at,
      attrs: { runtime },
    });
    if (i % 3 === 0) continue;
    const run = `run-20260101-000000-${i.toString(16).padStart(10, '0')}`;
    await store.agents.transition({ name, trigger: 'start', at, run, patch: { currentRunId: run } });
    if (i % 3 === 1) {
      await store.agents.update(name, {
        lastOutput: outputTail(i),
        intent: `working on FR-${String(1000 + i)}`,
      });
    } else {
      await store.agents.transition({
        name,
        trigger: 'complete',
        at: new Date(at.getTime() + 60_000),
        patch: { exitCode: 0, lastOutput: outputTail(i), resumeToken: `session-${String(i)}` },
      });
    }
  }
}
