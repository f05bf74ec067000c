import { spawn } from 'node:child_process';

import { ValidationError } from '@fracta/domain';

import { BaseCommand } from '../base-command.js';
import { controlPlaneEntry, controlPlaneEnv } from '../lib/local-controlplane.js';

export default class Worker extends BaseCommand {
  static override summary = 'Run queued agents on this machine (team mode: Postgres queue)';
  static override description = [
    'Takes missions from the postgres queue of the project (runtime.queue.backend: postgres) and runs',
    'the agents here, runtime.queue.workers at a time, until Ctrl-C or SIGTERM (running agents finish',
    'their turn or are handed to another worker). Any number of workers on any hosts that reach the',
    'database. Serves no HTTP; the control plane stays the one API.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> worker',
    'FRACTA_CONFIG=deployment/configs/controlplane.yaml <%= config.bin %> worker',
  ];

  async run(): Promise<void> {
    await this.parse(Worker);
    const project = await this.project();
    if (project.config.runtime.queue.backend !== 'postgres') {
      throw new ValidationError(
        'WORKER_NEEDS_POSTGRES_QUEUE',
        'a worker takes missions from the postgres queue: set runtime.queue.backend: postgres (local mode runs its workers inside the control plane)',
      );
    }
    const child = spawn(process.execPath, [controlPlaneEntry()], {
      cwd: project.root,
      env: { ...controlPlaneEnv(project, process.env), FRACTA_ROLE: 'worker' },
      stdio: 'inherit',
    });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    process.on('SIGINT', forward('SIGINT'));
    process.on('SIGTERM', forward('SIGTERM'));
    const code = await new Promise<number>((resolve) =>
      child.once('exit', (c) => {
        resolve(c ?? 1);
      }),
    );
    if (code !== 0) this.exit(code);
  }
}
