import { describe, expect, it } from '@jest/globals';

import {
  type GatewayCredential,
  isCredentialActive,
  TOKEN_HASH_PATTERN,
  validateCredentialDraft,
} from './credential.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function aCredential(overrides: Partial<GatewayCredential> = {}): GatewayCredential {
  return {
    id: 'credential-0001',
    agent: 'worker-1',
    tokenHash: 'a'.repeat(64),
    createdAt: new Date('2026-03-01T00:00:00.000Z'),
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

function at(offsetMs: number): Date {
  return new Date(NOW.getTime() + offsetMs);
}

describe(isCredentialActive.name, () => {
  it('should accept a credential that never expires and is not revoked', () => {
    expect(isCredentialActive(aCredential(), NOW)).toBe(true);
  });

  it('should accept a credential that expires later', () => {
    expect(isCredentialActive(aCredential({ expiresAt: at(60_000) }), NOW)).toBe(true);
  });

  it('should accept a credential one millisecond before it expires', () => {
    expect(isCredentialActive(aCredential({ expiresAt: at(1) }), NOW)).toBe(true);
  });

  it('should reject a credential at exactly its expiry', () => {
    expect(isCredentialActive(aCredential({ expiresAt: at(0) }), NOW)).toBe(false);
  });

  it('should reject an expired credential', () => {
    expect(isCredentialActive(aCredential({ expiresAt: at(-1) }), NOW)).toBe(false);
  });

  it('should reject a revoked credential even before it expires', () => {
    expect(isCredentialActive(aCredential({ revokedAt: at(-1_000), expiresAt: at(60_000) }), NOW)).toBe(
      false,
    );
    expect(isCredentialActive(aCredential({ revokedAt: at(-1_000) }), NOW)).toBe(false);
  });

  it('should reject a credential as soon as it carries a revocation time', () => {
    expect(isCredentialActive(aCredential({ revokedAt: at(1_000) }), NOW)).toBe(false);
  });
});

describe('TOKEN_HASH_PATTERN', () => {
  it('should accept a lower-case hex SHA-256', () => {
    expect(TOKEN_HASH_PATTERN.test('0123456789abcdef'.repeat(4))).toBe(true);
  });

  it.each([
    ['upper-case hex', 'ABCDEF0123456789'.repeat(4)],
    ['63 characters', 'a'.repeat(63)],
    ['65 characters', 'a'.repeat(65)],
    ['non-hex letters', 'g'.repeat(64)],
    ['a trailing newline', `${'a'.repeat(64)}\n`],
    ['the empty string', ''],
  ])('should reject %s', (_, hash) => {
    expect(TOKEN_HASH_PATTERN.test(hash)).toBe(false);
  });
});

describe('validateCredentialDraft', () => {
  it('should pass a credential whose tokenHash is a lower-case hex SHA-256', () => {
    const draft = { id: 'c-1', agent: 'a', tokenHash: 'ab'.repeat(32), createdAt: at(0), expiresAt: null };
    expect(validateCredentialDraft(draft)).toBe(draft);
  });

  it('should refuse any other tokenHash with CREDENTIAL_INVALID', () => {
    const draft = { id: 'c-1', agent: 'a', tokenHash: 'AB'.repeat(32), createdAt: at(0), expiresAt: null };
    expect(() => validateCredentialDraft(draft)).toThrow(
      expect.objectContaining({ code: 'CREDENTIAL_INVALID', category: 'invalid' }),
    );
  });
});
