/**
 * Who a per-agent gateway token belongs to, asked of the control plane (`identify`) and kept
 * briefly so that a tool call costs a map lookup, not an HTTP round trip.
 *
 * A token must stop working the moment its agent ends, so a cached answer is only used while the
 * control plane's event stream is being followed (`setTrusted(true)`, by the EventWatcher): every
 * lifecycle event of an agent drops its entries at once, and the control plane writes that event
 * before it revokes the token and answers the kill. While the stream is down nothing is cached and
 * every request asks the control plane. `ttlMs` bounds the age of any entry regardless.
 */
import type { AgentView } from '@fracta/api-contract';
import { type Clock, type Runtime } from '@fracta/domain';

export interface AgentIdentity {
  readonly name: string;
  readonly runtime: Runtime;
}

/** The one control-plane call the cache needs (ControlPlaneClient has it). */
export interface IdentityLookup {
  identify(token: string): Promise<AgentView>;
}

interface Entry {
  readonly identity: AgentIdentity;
  readonly expiresAt: number;
}

export type IdentityOutcome = 'hit' | 'miss';

export class IdentityCache {
  readonly #entries = new Map<string, Entry>();
  readonly #tokensOf = new Map<string, Set<string>>();
  readonly #inflight = new Map<string, Promise<AgentIdentity>>();
  #trusted = false;
  /** Bumped by every invalidation: an answer that raced one is returned but not kept. */
  #epoch = 0;

  constructor(
    private readonly lookup: IdentityLookup,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly onLookup: (outcome: IdentityOutcome) => void = () => undefined,
    private readonly maxEntries = 20_000,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get trusted(): boolean {
    return this.#trusted;
  }

  /**
   * The live agent `token` belongs to. Rejects with the control plane's error
   * (ControlPlaneError 401 GATEWAY_CREDENTIAL_INVALID for an unknown or revoked token,
   * ControlPlaneUnreachableError when it does not answer).
   */
  resolve(token: string): Promise<AgentIdentity> {
    const entry = this.#entries.get(token);
    if (entry !== undefined) {
      if (this.#trusted && entry.expiresAt > this.clock.now().getTime()) {
        this.onLookup('hit');
        return Promise.resolve(entry.identity);
      }
      this.#drop(token, entry.identity.name);
    }
    this.onLookup('miss');
    const pending = this.#inflight.get(token);
    if (pending !== undefined) return pending;
    const epoch = this.#epoch;
    const lookup = this.lookup
      .identify(token)
      .then((agent) => {
        const identity: AgentIdentity = Object.freeze({ name: agent.name, runtime: agent.runtime });
        if (this.#trusted && epoch === this.#epoch) this.#store(token, identity);
        return identity;
      })
      .finally(() => this.#inflight.delete(token));
    this.#inflight.set(token, lookup);
    return lookup;
  }

  /** Drops every cached token of `agent` (its lifecycle moved: ended, restarted, resumed). */
  invalidateAgent(agent: string): void {
    this.#epoch += 1;
    for (const token of this.#tokensOf.get(agent) ?? []) this.#entries.delete(token);
    this.#tokensOf.delete(agent);
  }

  /** Whether answers may be kept: only while the control plane's events are followed. */
  setTrusted(trusted: boolean): void {
    if (!trusted) this.clear();
    this.#trusted = trusted;
  }

  clear(): void {
    this.#epoch += 1;
    this.#entries.clear();
    this.#tokensOf.clear();
  }

  #store(token: string, identity: AgentIdentity): void {
    if (this.#entries.size >= this.maxEntries) this.clear();
    this.#entries.set(token, { identity, expiresAt: this.clock.now().getTime() + this.ttlMs });
    let tokens = this.#tokensOf.get(identity.name);
    if (tokens === undefined) {
      tokens = new Set();
      this.#tokensOf.set(identity.name, tokens);
    }
    tokens.add(token);
  }

  #drop(token: string, agent: string): void {
    this.#entries.delete(token);
    const tokens = this.#tokensOf.get(agent);
    tokens?.delete(token);
    if (tokens?.size === 0) this.#tokensOf.delete(agent);
  }
}
