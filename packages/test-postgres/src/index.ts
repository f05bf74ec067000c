/**
 * A fresh Postgres database per test file, on the server that global-setup.js provided
 * (PG_URL, or an embedded one). Nothing leaks between files: each drops its database at the end.
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export function serverUrl(): string {
  const url = process.env.PG_URL;
  if (!url) {
    throw new Error(
      'PG_URL is not set: run this suite through its jest.integration.config.js (its globalSetup provides Postgres)',
    );
  }
  return url;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 24);
  const name = `fracta_t_${safe}_${randomBytes(5).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Names of the databases this harness created that still exist (leak detection). */
export async function listTestDatabases(): Promise<string[]> {
  return withAdmin(async (client) => {
    const result = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'fracta\\_t\\_%' ORDER BY datname",
    );
    return result.rows.map((r) => r.datname);
  });
}
