/** The adapters behind the ports, built from the config (main.ts and the e2e harness share this). */
import { resolve } from 'node:path';

import { type Clock, type Mission } from '@fracta/domain';
import type { Logger } from '@fracta/logger';
import { RunRecords } from '@fracta/run-records';
import { LocalProcessBackend } from '@fracta/runtime-local';
import { DirectoryWorkspace, GitWorktreeWorkspace } from '@fracta/workspace-git';

import type { AppConfig } from './config.js';
import { MemoryMissionQueue } from './dispatch/memory-mission.queue.js';

export function createAdapters(config: AppConfig, clock: Clock, logger: Logger) {
  const { setup } = config.workspace;
  const workspace =
    config.workspace.kind === 'git-worktree'
      ? new GitWorktreeWorkspace({
          repoRoot: config.projectRoot,
          worktreesDir: config.workspace.root,
          env: config.hostEnv,
          setup: {
            copy: setup.copy,
            ...(setup.command.length === 0
              ? {}
              : { command: { argv: setup.command, timeoutMs: setup.timeoutMs } }),
          },
        })
      : new DirectoryWorkspace({ root: resolve(config.projectRoot, config.workspace.root) });
  return {
    workspace,
    backend: new LocalProcessBackend({ stateDir: config.paths.procDir }),
    records: new RunRecords({ runsRoot: config.paths.runsRoot, project: config.project, clock }),
    queue: new MemoryMissionQueue({
      onError: (mission: Mission, error: Error) => {
        logger.error('mission handler failed', { mission: mission.id, agent: mission.agent, err: error });
      },
    }),
  };
}
