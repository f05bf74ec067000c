import { IdGenerator, type IdKind } from '@fracta/domain';

/** Deterministic ids, counted per kind: `run-0001`, `run-0002`, `mission-0001`, … */
export class SequentialIdGenerator extends IdGenerator {
  private readonly counters = new Map<IdKind, number>();

  override next(kind: IdKind): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${kind}-${String(n).padStart(4, '0')}`;
  }
}
