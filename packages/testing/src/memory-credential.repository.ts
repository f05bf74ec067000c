import {
  CredentialRepository,
  type GatewayCredential,
  InvariantViolationError,
  isCredentialActive,
  TOKEN_HASH_PATTERN,
  ValidationError,
} from '@fracta/domain';

import { MemoryStoreState } from './memory-store-state.js';
import { copyCredential, copyDate, settle } from './memory-support.js';

/** CredentialRepository in memory: hashed tokens only; revocation stamps every active credential. */
export class MemoryCredentialRepository extends CredentialRepository {
  private readonly state: MemoryStoreState;

  constructor(state: MemoryStoreState = new MemoryStoreState()) {
    super();
    this.state = state;
  }

  override issue(credential: Omit<GatewayCredential, 'revokedAt'>): Promise<GatewayCredential> {
    return settle(() => {
      if (!TOKEN_HASH_PATTERN.test(credential.tokenHash)) {
        throw new ValidationError(
          'CREDENTIAL_INVALID',
          'a credential stores the hex SHA-256 of its token (64 lower-case hex digits)',
        );
      }
      if (this.state.credentials.has(credential.id)) {
        throw new InvariantViolationError(`credential id "${credential.id}" is already taken`);
      }
      if (this.lookup(credential.tokenHash)) {
        throw new InvariantViolationError('a credential with the same token hash already exists');
      }
      const stored: GatewayCredential = {
        id: credential.id,
        agent: credential.agent,
        tokenHash: credential.tokenHash,
        createdAt: copyDate(credential.createdAt),
        expiresAt: copyDate(credential.expiresAt),
        revokedAt: null,
      };
      this.state.credentials.set(stored.id, stored);
      return copyCredential(stored);
    });
  }

  override findByHash(tokenHash: string): Promise<GatewayCredential | null> {
    return settle(() => {
      const found = this.lookup(tokenHash);
      return found ? copyCredential(found) : null;
    });
  }

  override revokeForAgent(agent: string, at: Date): Promise<number> {
    return settle(() => {
      let revoked = 0;
      for (const credential of this.state.credentials.values()) {
        if (credential.agent !== agent || !isCredentialActive(credential, at)) continue;
        this.state.credentials.set(credential.id, { ...credential, revokedAt: copyDate(at) });
        revoked += 1;
      }
      return revoked;
    });
  }

  private lookup(tokenHash: string): GatewayCredential | undefined {
    for (const credential of this.state.credentials.values()) {
      if (credential.tokenHash === tokenHash) return credential;
    }
    return undefined;
  }
}
