import { isValidAgentName, newMissionRecord, TOKEN_HASH_PATTERN, validateLabels } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { TEST_EPOCH } from './clock.js';
import {
  aCredentialDraft,
  aMessageDraft,
  aMissionDraft,
  anAgentDraft,
  anEventDraft,
  aRunDraft,
  aTokenHash,
} from './factories.js';

describe(anAgentDraft.name, () => {
  it('should give a valid command agent with a new name each time', () => {
    const drafts = Array.from({ length: 50 }, () => anAgentDraft());

    expect(new Set(drafts.map((d) => d.name)).size).toBe(50);
    for (const draft of drafts) {
      expect(isValidAgentName(draft.name)).toBe(true);
      expect(draft.runtime).toBe('command');
    }
  });

  it('should apply overrides', () => {
    const draft = anAgentDraft({
      name: 'chosen',
      runtime: 'claude',
      mode: 'stream',
      labels: { team: 'core' },
    });

    expect(draft).toEqual({ name: 'chosen', runtime: 'claude', mode: 'stream', labels: { team: 'core' } });
    expect(validateLabels(draft.labels ?? {})).toEqual({ team: 'core' });
  });
});

describe(anEventDraft.name, () => {
  it('should give a valid event at TEST_EPOCH, with a fresh Date each time', () => {
    const first = anEventDraft();
    const second = anEventDraft();

    expect(first.ts).toEqual(TEST_EPOCH);
    expect(first.ts).not.toBe(second.ts);
    expect(first).toMatchObject({ outcome: 'success', severity: 'info', agent: null, run: null, attrs: {} });
  });

  it('should apply overrides', () => {
    expect(anEventDraft({ agent: 'a', action: 'x.y' })).toMatchObject({ agent: 'a', action: 'x.y' });
  });
});

describe(aMessageDraft.name, () => {
  it('should give a message from the host', () => {
    expect(aMessageDraft()).toEqual({ from: 'host', to: 'agent-0001', body: 'hello', createdAt: TEST_EPOCH });
    expect(aMessageDraft({ to: 'worker', body: 'hi' })).toMatchObject({ to: 'worker', body: 'hi' });
  });
});

describe(aMissionDraft.name, () => {
  it('should give a valid mission of the agent with a new id each time', () => {
    const drafts = Array.from({ length: 20 }, () => aMissionDraft({ agent: 'worker' }));

    expect(new Set(drafts.map((d) => d.id)).size).toBe(20);
    for (const draft of drafts) {
      expect(newMissionRecord(draft)).toMatchObject({ agent: 'worker', status: 'pending', attempt: 0 });
      expect(draft.createdAt).toEqual(TEST_EPOCH);
    }
    expect(drafts[0]?.createdAt).not.toBe(drafts[1]?.createdAt);
  });

  it('should apply overrides', () => {
    expect(aMissionDraft({ agent: 'w', id: 'm-1', runKind: 'say', payload: { k: 1 } })).toMatchObject({
      id: 'm-1',
      runKind: 'say',
      payload: { k: 1 },
    });
  });
});

describe(aRunDraft.name, () => {
  it('should give an initial run of the agent with a new id each time', () => {
    const first = aRunDraft({ agent: 'worker' });
    const second = aRunDraft({ agent: 'worker', kind: 'say' });

    expect(first).toMatchObject({ agent: 'worker', kind: 'initial', startedAt: TEST_EPOCH });
    expect(second.kind).toBe('say');
    expect(first.id).not.toBe(second.id);
  });
});

describe(aTokenHash.name, () => {
  it('should give the hex SHA-256 of the token', () => {
    expect(aTokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('should give a new well-formed hash each time without a token', () => {
    const hashes = Array.from({ length: 20 }, () => aTokenHash());

    expect(new Set(hashes).size).toBe(20);
    for (const hash of hashes) expect(hash).toMatch(TOKEN_HASH_PATTERN);
  });
});

describe(aCredentialDraft.name, () => {
  it('should give a credential of the agent with a new id and hash each time', () => {
    const first = aCredentialDraft({ agent: 'worker' });
    const second = aCredentialDraft({ agent: 'worker' });

    expect(first).toMatchObject({ agent: 'worker', createdAt: TEST_EPOCH, expiresAt: null });
    expect(first.tokenHash).toMatch(TOKEN_HASH_PATTERN);
    expect(first.id).not.toBe(second.id);
    expect(first.tokenHash).not.toBe(second.tokenHash);
  });
});
