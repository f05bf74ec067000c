import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeStoreContract } from '@fracta/testing/contract';

import { openStore } from '../../src/index.js';

describeStoreContract(
  'sqlite (file, WAL)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fracta-store-'));
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'state.db') });
    return {
      store,
      dispose: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { raceIterations: 200 },
);

describeStoreContract(
  'sqlite (:memory:)',
  async () => {
    const store = await openStore({ kind: 'sqlite', path: ':memory:' });
    return { store, dispose: () => store.close() };
  },
  { raceIterations: 50 },
);
