import {
  CredentialRepository,
  TOKEN_HASH_PATTERN,
  ValidationError,
  type GatewayCredential,
} from '@fracta/domain';

import type { Db } from '../db.js';
import { toCredential } from '../mappers.js';
import type { CredentialRow } from '../rows.js';

export class TypeormCredentialRepository extends CredentialRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async issue(credential: Omit<GatewayCredential, 'revokedAt'>): Promise<GatewayCredential> {
    if (!TOKEN_HASH_PATTERN.test(credential.tokenHash)) {
      throw new ValidationError(
        'CREDENTIAL_INVALID',
        'tokenHash must be a lowercase hex SHA-256 (64 characters)',
      );
    }
    const row: CredentialRow = {
      id: credential.id,
      agent: credential.agent,
      token_hash: credential.tokenHash,
      created_at: credential.createdAt,
      expires_at: credential.expiresAt,
      revoked_at: null,
    };
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
