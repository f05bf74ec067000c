export { openStore, redactUrl, type StateStore, type StoreOptions } from './typeorm-store.js';
export type { Dialect } from './rows.js';
export { initialSchemaStatements } from './migrations/initial-schema.js';
