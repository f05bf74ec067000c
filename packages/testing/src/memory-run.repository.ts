import {
  InvariantViolationError,
  type Run,
  type RunDraft,
  type RunFinish,
  RunNotFoundError,
  RunRepository,
  runCredentialOf,
  validateRunHandle,
} from '@fracta/domain';

import { MemoryStoreState } from './memory-store-state.js';
import { copyDate, copyRun, settle } from './memory-support.js';

/** RunRepository in memory: seq 1, 2, … per agent; `finish` and `attachHandle` apply only to a running run. */
export class MemoryRunRepository extends RunRepository {
  private readonly state: MemoryStoreState;

  constructor(state: MemoryStoreState = new MemoryStoreState()) {
    super();
    this.state = state;
  }

  override create(draft: RunDraft): Promise<Run> {
    return settle(() => {
      this.state.requireAgent(draft.agent);
      if (this.state.runs.has(draft.id))
        throw new InvariantViolationError(`run id "${draft.id}" is already taken`);
      const draftCredential = runCredentialOf(draft);
      const credential = draftCredential === null ? null : this.state.checkCredential(draftCredential);
      const previous = this.runsOf(draft.agent).at(-1);
      const run: Run = {
        id: draft.id,
        agent: draft.agent,
        seq: (previous?.seq ?? 0) + 1,
        kind: draft.kind,
        status: 'running',
        startedAt: copyDate(draft.startedAt),
        finishedAt: null,
        exitCode: null,
        dir: draft.dir ?? null,
        handle: null,
      };
      this.state.runs.set(run.id, run);
      if (credential !== null) this.state.credentials.set(credential.id, credential);
      return copyRun(run);
    });
  }

  override finish(id: string, finish: RunFinish): Promise<{ applied: boolean; run: Run }> {
    return settle(() => {
      const run = this.require(id);
      if (run.status !== 'running') return { applied: false, run: copyRun(run) };
      const finished: Run = {
        ...run,
        status: finish.status,
        finishedAt: copyDate(finish.finishedAt),
        exitCode: finish.exitCode ?? null,
      };
      this.state.runs.set(id, finished);
      return { applied: true, run: copyRun(finished) };
    });
  }

  override attachHandle(id: string, handle: string): Promise<Run> {
    return settle(() => {
      validateRunHandle(handle);
      const attached = this.state.runWithHandle(id, handle);
      this.state.runs.set(id, attached);
      return copyRun(attached);
    });
  }

  override get(id: string): Promise<Run> {
    return settle(() => copyRun(this.require(id)));
  }

  override listForAgent(agent: string): Promise<Run[]> {
    return settle(() => this.runsOf(agent).map(copyRun));
  }

  private require(id: string): Run {
    const run = this.state.runs.get(id);
    if (!run) throw new RunNotFoundError(id);
    return run;
  }

  private runsOf(agent: string): Run[] {
    return [...this.state.runs.values()].filter((run) => run.agent === agent).sort((a, b) => a.seq - b.seq);
  }
}
