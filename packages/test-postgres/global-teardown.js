// Jest globalTeardown: stops the embedded Postgres that global-setup.js started, if any.
import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const embedded = globalThis.__fractaEmbeddedPostgres;
  if (!embedded) return;
  globalThis.__fractaEmbeddedPostgres = undefined;
  delete process.env.PG_URL;
  await embedded.server.stop();
  await rm(embedded.dir, { recursive: true, force: true });
}
