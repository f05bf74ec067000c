/** The adapters behind the ports, built from the config (main.ts and the e2e harness share this). */
import { resolve } from 'node:path';

import { ValidationError, type Clock, type Mission, type MissionQueue } from '@fracta/domain';
import type { Logger } from '@fracta/logger';
import { PgBossMissionQueue } from '@fracta/queue-pgboss';
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
    queue: createQueue(config, logger),
  };
}

/** In-process (local mode), or pg-boss on the state database (team mode: any number of workers). */
function createQueue(config: AppConfig, logger: Logger): MissionQueue {
  const onError = (mission: Mission, error: Error) => {
    logger.error('mission handler failed', { mission: mission.id, agent: mission.agent, err: error });
  };
  const queue = config.fracta.runtime.queue;
  if (queue.backend === 'memory') return new MemoryMissionQueue({ onError });
  if (config.store.kind !== 'postgres') {
    throw new ValidationError(
      'QUEUE_NEEDS_POSTGRES',
      'the postgres queue lives in the state database: set runtime.state.driver: postgres',
    );
  }
  return new PgBossMissionQueue({
    url: config.store.url,
    logger: logger.child({ component: 'queue' }),
    onError,
    leaseSeconds: Math.max(10, Math.round(queue.lease_timeout / 1000)),
  });
}
