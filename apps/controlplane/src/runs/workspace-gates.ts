/**
 * A spawn on the in-process queue dispatches its mission while git is still creating the agent's
 * worktree, so the executor claims the mission and writes the run row meanwhile; before it touches
 * the workspace it waits here for the spawn's word. Without a gate (any other mission, or another
 * process's worker) the workspace is there already.
 */
interface Gate {
  readonly ready: Promise<boolean>;
  readonly open: (ready: boolean) => void;
}

/** How long a failed spawn's answer stays known to an executor that asks late. */
const FAILED_KEPT_MS = 60_000;

export class WorkspaceGates {
  readonly #gates = new Map<string, Gate>();

  /** Closes the gate of `missionId` until release(). */
  hold(missionId: string): void {
    let open: (ready: boolean) => void = () => undefined;
    const ready = new Promise<boolean>((resolve) => {
      open = resolve;
    });
    this.#gates.set(missionId, { ready, open });
  }

  /** The workspace is there (true), or the spawn failed and undoes everything (false). */
  release(missionId: string, ready: boolean): void {
    const gate = this.#gates.get(missionId);
    if (gate === undefined) return;
    gate.open(ready);
    if (ready) {
      this.#gates.delete(missionId);
      return;
    }
    setTimeout(() => {
      if (this.#gates.get(missionId) === gate) this.#gates.delete(missionId);
    }, FAILED_KEPT_MS).unref();
  }

  /** Whether the mission's workspace is ready, once the spawn knows; true when nothing holds it. */
  ready(missionId: string): Promise<boolean> {
    return this.#gates.get(missionId)?.ready ?? Promise.resolve(true);
  }
}
