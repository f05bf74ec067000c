import { ValidationError } from './errors.js';

/**
 * A per-agent bearer token for the MCP gateway. Only a hash of the token is stored; the token
 * itself is shown once, to the agent's environment. Revoked when the agent ends.
 */
export interface GatewayCredential {
  readonly id: string;
  readonly agent: string;
  /** Hex SHA-256 of the token. */
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

export function isCredentialActive(credential: GatewayCredential, now: Date): boolean {
  if (credential.revokedAt !== null) return false;
  return credential.expiresAt === null || credential.expiresAt.getTime() > now.getTime();
}

export const TOKEN_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** A credential to issue, as every store checks it: ValidationError CREDENTIAL_INVALID otherwise. */
export function validateCredentialDraft(
  credential: Omit<GatewayCredential, 'revokedAt'>,
): Omit<GatewayCredential, 'revokedAt'> {
  if (typeof credential.tokenHash !== 'string' || !TOKEN_HASH_PATTERN.test(credential.tokenHash)) {
    throw new ValidationError(
      'CREDENTIAL_INVALID',
      'tokenHash must be the lower-case hex SHA-256 of the token (64 characters)',
    );
  }
  return credential;
}
