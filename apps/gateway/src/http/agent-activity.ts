/** Which agents used the gateway recently: the "connected agents" of /metrics and /readyz (MCP over HTTP here is stateless). */
import { type Clock } from '@fracta/domain';

export class AgentActivity {
  readonly #lastSeen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
  ) {}

  #touches = 0;

  touch(agent: string): void {
    this.#lastSeen.set(agent, this.clock.now().getTime());
    // Forget old agents now and then even when nobody reads the count.
    if (++this.#touches % 10_000 === 0) this.active();
  }

  /** Agents seen within the window (older ones are forgotten). */
  active(): number {
    const since = this.clock.now().getTime() - this.windowMs;
    for (const [agent, at] of this.#lastSeen) if (at < since) this.#lastSeen.delete(agent);
    return this.#lastSeen.size;
  }
}
