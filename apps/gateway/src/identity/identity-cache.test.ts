import type { AgentView } from '@fracta/api-contract';
import { ManualClock } from '@fracta/testing';
import { describe, expect, it } from '@jest/globals';

import { IdentityCache, type IdentityLookup } from './identity-cache.js';

/** The control plane's identify, in memory: tokens map to agents until revoked. */
class FakeLookup implements IdentityLookup {
  calls = 0;
  readonly tokens = new Map<string, string>();
  #release: (() => void) | null = null;
  hold = false;

  async identify(token: string): Promise<AgentView> {
    this.calls += 1;
    if (this.hold) await new Promise<void>((resolve) => (this.#release = resolve));
    const name = this.tokens.get(token);
    if (name === undefined)
      throw Object.assign(new Error('gateway credential rejected'), { code: 'GATEWAY_CREDENTIAL_INVALID' });
    return { name, runtime: 'command' } as AgentView;
  }

  release(): void {
    this.hold = false;
    this.#release?.();
  }
}

const TOKEN_A = 'token-of-alpha-0123456789';
const TOKEN_B = 'token-of-beta-0123456789';

function setup(ttlMs = 1_000) {
  const lookup = new FakeLookup();
  lookup.tokens.set(TOKEN_A, 'alpha');
  lookup.tokens.set(TOKEN_B, 'beta');
  const clock = new ManualClock();
  const outcomes: string[] = [];
  const cache = new IdentityCache(lookup, clock, ttlMs, (outcome) => outcomes.push(outcome));
  return { lookup, clock, cache, outcomes };
}

describe(IdentityCache.name, () => {
  it('should ask the control plane once per token while trusted, then answer from memory until the TTL', async () => {
    const { lookup, clock, cache, outcomes } = setup();
    cache.setTrusted(true);
    expect(await cache.resolve(TOKEN_A)).toEqual({ name: 'alpha', runtime: 'command' });
    expect(await cache.resolve(TOKEN_A)).toEqual({ name: 'alpha', runtime: 'command' });
    expect(lookup.calls).toBe(1);
    clock.advance(1_000);
    await cache.resolve(TOKEN_A);
    expect(lookup.calls).toBe(2);
    expect(outcomes).toEqual(['miss', 'hit', 'miss']);
  });

  it('should keep nothing while the event stream is not followed', async () => {
    const { lookup, cache } = setup();
    await cache.resolve(TOKEN_A);
    await cache.resolve(TOKEN_A);
    expect(lookup.calls).toBe(2);
    cache.setTrusted(true);
    await cache.resolve(TOKEN_A);
    cache.setTrusted(false);
    expect(cache.size).toBe(0);
    await cache.resolve(TOKEN_A);
    expect(lookup.calls).toBe(4);
  });

  it("should drop an agent's tokens on its lifecycle event, so a revoked token is refused at once", async () => {
    const { lookup, cache } = setup(60_000);
    cache.setTrusted(true);
    await cache.resolve(TOKEN_A);
    await cache.resolve(TOKEN_B);
    lookup.tokens.delete(TOKEN_A); // the control plane revoked it
    cache.invalidateAgent('alpha');
    await expect(cache.resolve(TOKEN_A)).rejects.toMatchObject({ code: 'GATEWAY_CREDENTIAL_INVALID' });
    await cache.resolve(TOKEN_B);
    expect(lookup.calls).toBe(3); // beta still cached
  });

  it('should not keep an answer that raced an invalidation', async () => {
    const { lookup, cache } = setup(60_000);
    cache.setTrusted(true);
    lookup.hold = true;
    const pending = cache.resolve(TOKEN_A);
    cache.invalidateAgent('alpha');
    lookup.release();
    await pending;
    expect(cache.size).toBe(0);
  });

  it('should share one control-plane call between concurrent requests with the same token', async () => {
    const { lookup, cache } = setup();
    cache.setTrusted(true);
    lookup.hold = true;
    const all = Promise.all([cache.resolve(TOKEN_A), cache.resolve(TOKEN_A), cache.resolve(TOKEN_A)]);
    lookup.release();
    expect((await all).map((identity) => identity.name)).toEqual(['alpha', 'alpha', 'alpha']);
    expect(lookup.calls).toBe(1);
  });

  it('should not cache refusals', async () => {
    const { lookup, cache } = setup();
    cache.setTrusted(true);
    await expect(cache.resolve('unknown-token-0123456789')).rejects.toThrow();
    lookup.tokens.set('unknown-token-0123456789', 'gamma');
    expect((await cache.resolve('unknown-token-0123456789')).name).toBe('gamma');
  });
});
