import { CredentialRepository, type GatewayCredential, isCredentialActive } from '@fracta/domain';

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
      const stored = this.state.checkCredential(credential);
      this.state.credentials.set(stored.id, stored);
      return copyCredential(stored);
    });
  }

  override findByHash(tokenHash: string): Promise<GatewayCredential | null> {
    return settle(() => {
      const found = this.state.credentialByHash(tokenHash);
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
}
