import { createTestDatabase } from '@fracta/test-postgres';
import { describeStoreContract } from '@fracta/testing/contract';

import { openStore } from '../../src/index.js';

describeStoreContract(
  'postgres',
  async () => {
    const database = await createTestDatabase('contract');
    const store = await openStore({ kind: 'postgres', url: database.url });
    return {
      store,
      // A second pool on the same database: racing writers really use separate connections.
      openPeer: async () => {
        const peer = await openStore({ kind: 'postgres', url: database.url });
        return { store: peer, dispose: () => peer.close() };
      },
      dispose: async () => {
        await store.close();
        await database.drop();
      },
    };
  },
  { raceIterations: 200 },
);
