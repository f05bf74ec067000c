import type { Dialect } from '../rows.js';

import { InitialSchemaPostgres1763856000000, InitialSchemaSqlite1763856000000 } from './initial-schema.js';

/** Forward-only, in order. Listed as classes, never globs (ESM + dist vs src). */
export function migrationsFor(dialect: Dialect) {
  return dialect === 'postgres' ? [InitialSchemaPostgres1763856000000] : [InitialSchemaSqlite1763856000000];
}
