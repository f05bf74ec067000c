import { CredentialRepository, validateCredentialDraft, type GatewayCredential } from '@fracta/domain';

import type { Db } from '../db.js';
import { toCredential } from '../mappers.js';
import type { CredentialRow } from '../rows.js';

/** The row of a credential to issue (validated first). */
export function toCredentialRow(credential: Omit<GatewayCredential, 'revokedAt'>): CredentialRow {
  validateCredentialDraft(credential);
  return {
    id: credential.id,
    agent: credential.agent,
    token_hash: credential.tokenHash,
    created_at: credential.createdAt,
    expires_at: credential.expiresAt,
    revoked_at: null,
  };
}

export class TypeormCredentialRepository extends CredentialRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async issue(credential: Omit<GatewayCredential, 'revokedAt'>): Promise<GatewayCredential> {
    const row = toCredentialRow(credential);
    return await this.db.write(async (manager) => {
      await manager.createQueryBuilder().insert().into(this.db.schemas.credentials).values(row).execute();
      return toCredential(row);
    });
  }

  findByHash(tokenHash: string): Promise<GatewayCredential | null> {
    return this.db.read(async (manager) => {
      const row = await manager
        .createQueryBuilder(this.db.schemas.credentials, 'c')
        .where('c.token_hash = :tokenHash', { tokenHash })
        .getOne();
      return row ? toCredential(row) : null;
    });
  }

  revokeForAgent(agent: string, at: Date): Promise<number> {
    return this.db.write(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(this.db.schemas.credentials)
        .set({ revoked_at: at })
        .where('agent = :agent AND revoked_at IS NULL', { agent })
        .execute();
      return result.affected ?? 0;
    });
  }
}
