import { anAgentDraft, createMemoryStore } from '@fracta/testing';
import { describe, expect, it } from '@jest/globals';

import { AgentListCache } from './agent-list.cache.js';
import { VersionedAgentRepository } from './versioned-agent.repository.js';

describe(AgentListCache.name, () => {
  it('should serve an entry only at the version it was made for', () => {
    const cache = new AgentListCache(true);
    cache.set('q', 3, '{"agents":[]}');
    expect(cache.get('q', 3)).toBe('{"agents":[]}');
    expect(cache.get('q', 4)).toBeUndefined();
    expect(cache.get('other', 3)).toBeUndefined();
  });

  it('should keep nothing when disabled', () => {
    const cache = new AgentListCache(false);
    cache.set('q', 1, 'x');
    expect(cache.get('q', 1)).toBeUndefined();
  });

  it('should drop the oldest entries beyond its size', () => {
    const cache = new AgentListCache(true, 2);
    cache.set('a', 1, 'A');
    cache.set('b', 1, 'B');
    cache.set('c', 1, 'C');
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([undefined, 'B', 'C']);
  });
});

describe(VersionedAgentRepository.name, () => {
  it('should change its version on every write, applied or refused, and not on reads', async () => {
    const store = createMemoryStore();
    const agents = new VersionedAgentRepository(store.agents);
    const v0 = agents.version;
    await agents.create({ draft: anAgentDraft({ name: 'a1' }), trigger: 'start' as const, at: new Date() });
    const v1 = agents.version;
    expect(v1).not.toBe(v0);
    await agents.list({}, { limit: 10 });
    await agents.get('a1');
    await agents.count({});
    expect(agents.version).toBe(v1);
    await agents.update('a1', { intent: 'x' });
    const v2 = agents.version;
    expect(v2).not.toBe(v1);
    await expect(
      agents.create({ draft: anAgentDraft({ name: 'a1' }), trigger: 'start' as const, at: new Date() }),
    ).rejects.toMatchObject({ code: 'AGENT_ALREADY_EXISTS' });
    expect(agents.version).not.toBe(v2);
  });
});
