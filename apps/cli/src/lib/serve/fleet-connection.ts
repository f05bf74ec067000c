/**
 * How `fracta serve` reaches the control plane: the project is read afresh for every call (so a
 * fracta.yaml written by fracta_init, or edited meanwhile, counts at once), a local control
 * plane that does not answer is started once even when calls race, and every client is bounded
 * by a timeout. Only HTTP through `ControlPlaneClient`: no store, no backend.
 */
import type { ControlPlaneClient } from '@fracta/api-contract';

import { ensureRunning } from '../local-controlplane.js';
import { clientFor, loadProject, type Project } from '../project.js';

export class FleetConnection {
  /** The start in progress, per project root: concurrent calls wait for the same one. */
  readonly #starting = new Map<string, Promise<void>>();

  constructor(
    /** Where fracta.yaml is looked up (nearest ancestor) and where fracta_init writes. */
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly progress: (line: string) => void,
  ) {}

  project(): Promise<Project> {
    return loadProject(this.dir, this.env);
  }

  /** A client of the project's control plane, started first when it is local and down. */
  async client(options: { readonly timeoutMs?: number } = {}): Promise<ControlPlaneClient> {
    const project = await this.project();
    let starting = this.#starting.get(project.root);
    if (starting === undefined) {
      starting = ensureRunning(project, this.env, this.progress).finally(() => {
        this.#starting.delete(project.root);
      });
      this.#starting.set(project.root, starting);
    }
    await starting;
    return clientFor(project, this.env, options);
  }
}
