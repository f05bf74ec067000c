export {
  describeStoreContract,
  type ContractOptions,
  type ContractStore,
  type ContractSubject,
} from './store-contract.js';
