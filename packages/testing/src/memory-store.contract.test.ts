import { describeStoreContract } from './contract/index.js';
import { createMemoryStore } from './memory-store.js';

// The fakes other packages' unit tests rely on must behave exactly like the real stores.
describeStoreContract(
  'in-memory fakes',
  () => Promise.resolve({ store: createMemoryStore(), dispose: () => Promise.resolve() }),
  {
    raceIterations: 200,
  },
);
