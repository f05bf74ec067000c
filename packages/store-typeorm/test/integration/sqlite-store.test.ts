import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';

import { openStore } from '../../src/index.js';

const distIndex = new URL('../../dist/index.js', import.meta.url);
const MIGRATIONS = ['InitialSchemaSqlite1763856000000', 'RunHandlesMissionsSqlite1796300000000'];

function spawnWorker(fixture: string, args: string[]) {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../fixtures', fixture), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const iterator = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, next: async () => (await iterator.next()).value! };
}

/** Waits until every worker is ready, then starts them at once. */
async function startTogether(workers: readonly ReturnType<typeof spawnWorker>[]): Promise<void> {
  for (const w of workers) expect(await w.next()).toBe('ready');
  for (const w of workers) w.child.stdin.write('go\n');
}

describe('sqlite state store', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-sqlite-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should create the file with WAL journaling and apply the migrations once', async () => {
    const path = join(dir, 'nested', '.fracta', 'state.db');
    const first = await openStore({ kind: 'sqlite', path });
    await first.agents.create({
      draft: { name: 'keep', runtime: 'command' },
      trigger: 'start',
      at: new Date(),
    });
    expect(await first.appliedMigrations()).toEqual(MIGRATIONS);
    await first.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();

    const second = await openStore({ kind: 'sqlite', path });
    expect(await second.appliedMigrations()).toEqual(MIGRATIONS);
    expect((await second.agents.get('keep')).status).toBe('running');
    await second.close();
  });

  it('should fail with a one-line error naming the fix when the path cannot hold a database', async () => {
    const blocked = join(dir, 'file-not-dir');
    await writeFile(blocked, 'x');
    const error = await openStore({ kind: 'sqlite', path: join(blocked, 'state.db') }).then(
      () => null,
      (e: unknown) => e as Error & { code: string; category: string },
    );
    expect(error).toMatchObject({ code: 'STORE_PATH_INVALID', category: 'invalid' });
    expect(error?.message.split('\n')).toHaveLength(1);
    expect(error?.message).toContain(join(blocked, 'state.db'));
    expect(error?.message).toContain('runtime.state.path');
  });

  it('should give exactly one winner per agent when two processes race on one file', async () => {
    if (!existsSync(distIndex))
      throw new Error('dist/ is missing: run `pnpm build` in packages/store-typeorm first');
    const path = join(dir, 'race.db');
    const count = 150;
    const store = await openStore({ kind: 'sqlite', path });
    for (let i = 0; i < count; i++) {
      await store.agents.create({
        draft: { name: `race-${i}`, runtime: 'command' },
        trigger: 'start',
        at: new Date(),
      });
    }
    const before = await store.events.latestId();

    const workers = (['complete', 'stop'] as const).map((trigger) =>
      spawnWorker('race-worker.mjs', [distIndex.href, path, trigger, String(count)]),
    );
    await startTogether(workers);
    const results = await Promise.all(
      workers.map(async (w) => (JSON.parse(await w.next()) as { applied: string[] }).applied),
    );

    const [completed = [], stopped = []] = results;
    // Both processes must have won somewhere, or this run did not race at all.
    expect(completed.length).toBeGreaterThan(0);
    expect(stopped.length).toBeGreaterThan(0);
    expect(completed.length + stopped.length).toBe(count);
    expect(new Set([...completed, ...stopped]).size).toBe(count);
    const events = await store.events.list({ after: before, limit: 1000 });
    expect(events).toHaveLength(count);
    for (const name of completed) expect((await store.agents.get(name)).status).toBe('completed');
    for (const name of stopped) expect((await store.agents.get(name)).status).toBe('stopped');
    await store.close();
  }, 60_000);

  it('should give each mission exactly one claimer when three processes race on one file', async () => {
    if (!existsSync(distIndex))
      throw new Error('dist/ is missing: run `pnpm build` in packages/store-typeorm first');
    const path = join(dir, 'claims.db');
    const count = 150;
    const store = await openStore({ kind: 'sqlite', path });
    await store.agents.create({
      draft: { name: 'crowd', runtime: 'command' },
      trigger: 'start',
      at: new Date(),
    });
    for (let i = 0; i < count; i++) {
      await store.missions.create({
        id: `race-m-${i}`,
        agent: 'crowd',
        runKind: 'initial',
        prompt: null,
        payload: { i },
        createdAt: new Date(),
      });
    }

    const workers = [1, 2, 3].map(() =>
      spawnWorker('claim-race-worker.mjs', [distIndex.href, path, String(count)]),
    );
    await startTogether(workers);
    const won = await Promise.all(
      workers.map(async (w) => (JSON.parse(await w.next()) as { won: string[] }).won),
    );

    // Every process must have won somewhere, or this run did not race at all.
    for (const ids of won) expect(ids.length).toBeGreaterThan(0);
    expect(won.flat()).toHaveLength(count);
    expect(new Set(won.flat()).size).toBe(count);
    const open = await store.missions.listOpen(500);
    expect(open).toHaveLength(count);
    for (const mission of open) expect(mission).toMatchObject({ status: 'claimed', attempt: 1 });
    await store.close();
  }, 60_000);
});
