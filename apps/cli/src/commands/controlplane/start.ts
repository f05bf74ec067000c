import { spawn } from 'node:child_process';

import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import {
  controlPlaneEntry,
  controlPlaneEnv,
  isServing,
  readPid,
  startInBackground,
} from '../../lib/local-controlplane.js';

export default class ControlplaneStart extends BaseCommand {
  static override summary = 'Start the local control plane (SQLite, in-process queue) for this project';
  static override description =
    'Runs in the background by default: the pid goes to .fracta/controlplane.pid and the log to .fracta/logs/controlplane.log. Other commands start it on demand, so you rarely need this.';
  static override examples = [
    '<%= config.bin %> controlplane start',
    '<%= config.bin %> controlplane start --foreground',
  ];
  static override flags = {
    foreground: Flags.boolean({ description: 'run in this terminal and log to it; Ctrl-C stops it' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ControlplaneStart);
    const project = await this.project();
    if (await isServing(project, process.env)) {
      this.log(
        `already running at ${project.baseUrl}${(await readPid(project)) ? ` (pid ${await readPid(project)})` : ''}`,
      );
      return;
    }
    if (!flags.foreground) {
      const pid = await startInBackground(project, process.env, (line) => {
        this.logToStderr(line);
      });
      this.log(`control plane running at ${project.baseUrl} (pid ${pid})`);
      return;
    }
    const child = spawn(process.execPath, [controlPlaneEntry()], {
      cwd: project.root,
      env: controlPlaneEnv(project, process.env),
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
