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
    if (error.oclif?.exit !== undefined) return super.catch(error);
    const { message, exit } = describeFailure(error);
    this.logToStderr(`fracta: ${message}`);
    return this.exit(exit);
  }
}
