import type { Dialect } from '../rows.js';

import { InitialSchemaPostgres1763856000000, InitialSchemaSqlite1763856000000 } from './initial-schema.js';
import {
  RunHandlesMissionsPostgres1796300000000,
  RunHandlesMissionsSqlite1796300000000,
} from './run-handles-missions.js';

/** Forward-only, in order. Listed as classes, never globs (ESM + dist vs src). */
export function migrationsFor(dialect: Dialect) {
  return dialect === 'postgres'
    ? [InitialSchemaPostgres1763856000000, RunHandlesMissionsPostgres1796300000000]
    : [InitialSchemaSqlite1763856000000, RunHandlesMissionsSqlite1796300000000];
}
