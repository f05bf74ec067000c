import net from 'node:net';

import { createTestDatabase, listTestDatabases, serverUrl, type TestDatabase } from '@fracta/test-postgres';
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { openStore, type StateStore } from '../../src/index.js';

async function closedPort(): Promise<number> {
  return await new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('postgres state store', () => {
  const created: string[] = [];
  let database: TestDatabase;
  const stores: StateStore[] = [];

  beforeEach(async () => {
    database = await createTestDatabase('pgstore');
    created.push(database.name);
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await database.drop();
  });

  afterAll(async () => {
    const left = await listTestDatabases();
    expect(left.filter((name) => created.includes(name))).toEqual([]);
  });

  it('should migrate once even when several processes open a fresh database together', async () => {
    stores.push(
      ...(await Promise.all([1, 2, 3].map(() => openStore({ kind: 'postgres', url: database.url })))),
    );
    for (const store of stores)
      expect(await store.appliedMigrations()).toEqual([
        'InitialSchemaPostgres1763856000000',
        'RunHandlesMissionsPostgres1796300000000',
      ]);
    const [a, b] = stores;
    await a!.agents.create({
      draft: { name: 'shared', runtime: 'command' },
      trigger: 'start',
      at: new Date(),
    });
    expect((await b!.agents.get('shared')).status).toBe('running');
  });

  it('should fail fast with a one-line error that hides the password when Postgres is unreachable', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await openStore({
      kind: 'postgres',
      url: `postgres://fracta:hunter2@127.0.0.1:${port}/fracta`,
    }).then(
      () => null,
      (e: unknown) => e as Error & { code: string; category: string },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', category: 'transient' });
    expect(error?.message.split('\n')).toHaveLength(1);
    expect(error?.message).toContain('ECONNREFUSED');
    expect(error?.message).toContain('runtime.state.url');
    expect(error?.message).not.toContain('hunter2');
  });

  it('should recover after its connections are killed, losing nothing that was committed', async () => {
    const store = await openStore({ kind: 'postgres', url: database.url, poolMax: 2 });
    stores.push(store);
    await store.agents.create({
      draft: { name: 'survivor', runtime: 'command' },
      trigger: 'start',
      at: new Date(),
    });
    const killed = await admin(async (client) => {
      const result = await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database.name],
      );
      return result.rowCount;
    });
    expect(killed).toBeGreaterThan(0);
    // The first call may meet a dead pooled connection: it must fail as a transient store error,
    // never as a raw driver error, and the pool must heal.
    let failures = 0;
    let agentStatus: string | undefined;
    for (let attempt = 0; attempt < 5 && agentStatus === undefined; attempt++) {
      try {
        agentStatus = (await store.agents.get('survivor')).status;
      } catch (error) {
        expect((error as { code: string }).code).toBe('STORE_UNAVAILABLE');
        failures++;
      }
    }
    expect(agentStatus).toBe('running');
    expect(failures).toBeLessThan(5);
    const result = await store.agents.transition({ name: 'survivor', trigger: 'complete', at: new Date() });
    expect(result.applied).toBe(true);
  });
});
