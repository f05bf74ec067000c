import type { ControlPlaneClient } from '@fracta/api-contract';
import { Command } from '@oclif/core';

import { describeFailure } from './lib/exit-codes.js';
import { ensureRunning } from './lib/local-controlplane.js';
import { clientFor, loadProject, type Project } from './lib/project.js';

/** Shared behaviour: one-line errors with category exit codes, and a client that auto-starts. */
export abstract class BaseCommand extends Command {
  protected async project(): Promise<Project> {
    return loadProject(process.cwd(), process.env);
  }

  /** A client of this project's control plane, starting the local one first when it is down. */
  protected async client(project?: Project): Promise<ControlPlaneClient> {
    const resolved = project ?? (await this.project());
    // Progress goes to stderr even with --json (oclif silences its own log helpers then).
    await ensureRunning(resolved, process.env, (line) => process.stderr.write(`${line}\n`));
    return clientFor(resolved, process.env);
  }

  protected override async catch(
    error: Error & { exitCode?: number; oclif?: { exit?: number } },
  ): Promise<unknown> {
    const oclifExit = error.oclif?.exit;
    if (oclifExit === 2 && error.message !== '') {
      // A flag or argument oclif refused: one line like every other failure, then where help is.
      const line = error.message.replace(/\s*\n\s*/g, ' ').replace(/\s*See more help with --help\s*$/, '');
      this.logToStderr(
        `fracta: ${line} (see: ${this.config.bin} ${this.id?.replace(/:/g, ' ') ?? ''} --help)`,
      );
      return this.exit(2);
    }
    if (oclifExit !== undefined) return super.catch(error);
    const { message, exit } = describeFailure(error);
    this.logToStderr(`fracta: ${message}`);
    return this.exit(exit);
  }
}
