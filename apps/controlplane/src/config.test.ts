import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultFractaConfig } from '@fracta/config';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { loadOrCreateToken, TOKEN_FILE, toAppConfig } from './config.js';
import { TimestampIdGenerator } from './system.js';

describe(loadOrCreateToken.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-token-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should create a 0600 token file once and reuse it', async () => {
    const token = await loadOrCreateToken(dir, () => 'a'.repeat(43));
    expect(token).toBe('a'.repeat(43));
    expect((await stat(join(dir, TOKEN_FILE))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateToken(dir, () => 'b'.repeat(43))).toBe(token);
    expect((await readFile(join(dir, TOKEN_FILE), 'utf8')).trim()).toBe(token);
  });
});

describe(toAppConfig.name, () => {
  it('should resolve the listen address and a relative SQLite path against the project root', () => {
    const config = toAppConfig({ fracta: defaultFractaConfig('p'), projectRoot: '/repo', token: 't' });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 9090 });
    expect(config.store).toEqual({ kind: 'sqlite', path: '/repo/.fracta/state.db' });
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe(TimestampIdGenerator.name, () => {
  it('should make sortable, unique ids by kind', () => {
    const ids = new TimestampIdGenerator({ now: () => new Date('2026-11-23T22:15:00.000Z') });
    const a = ids.next('run');
    expect(a).toMatch(/^run-20261123-221500-[0-9a-f]{10}$/);
    expect(ids.next('run')).not.toBe(a);
  });
});
