/**
 * The serialized answers of GET /agents, kept until the next write. In local mode the control
 * plane is the only writer of its SQLite file, so "nothing was written through the repository
 * since" means "the answer is still right": a poll of the fleet (CLI, dashboard, host AI CLI)
 * costs a map lookup instead of a database read, a mapping and a JSON serialization. Where other
 * processes write too (Postgres: several control planes and workers), the cache is off.
 */
export class AgentListCache {
  readonly #entries = new Map<string, { version: number; body: string }>();

  constructor(
    readonly enabled: boolean,
    private readonly maxEntries = 64,
  ) {}

  get(key: string, version: number): string | undefined {
    if (!this.enabled) return undefined;
    const entry = this.#entries.get(key);
    return entry?.version === version ? entry.body : undefined;
  }

  set(key: string, version: number, body: string): void {
    if (!this.enabled) return;
    this.#entries.delete(key);
    this.#entries.set(key, { version, body });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
