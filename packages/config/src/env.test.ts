import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { ConfigError } from './config.errors.js';
import { boolEnv, durationEnv, parseEnv, secretEnv } from './env.js';
import { type Env } from './interpolate.js';
import { logLevelSchema } from './schema-fragments.js';

function envError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(boolEnv.name, () => {
  const flag = boolEnv();

  it('should read "false" as false', () => {
    expect(flag.parse('false')).toBe(false);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    [' Yes ', true],
    ['False', false],
    ['0', false],
    ['no', false],
    ['NO', false],
  ])('should read %j as %s', (raw, expected) => {
    expect(flag.parse(raw)).toBe(expected);
  });

  it.each(['maybe', '', 'on', '2'])('should reject %j', (raw) => {
    expect(flag.safeParse(raw).success).toBe(false);
  });

  it('should take a default when the variable is unset', () => {
    expect(z.object({ METRICS: boolEnv().default(true) }).parse({})).toEqual({ METRICS: true });
  });
});

describe(durationEnv.name, () => {
  it('should parse to milliseconds, with a default written as a duration', () => {
    const schema = z.object({ INTERVAL: durationEnv().prefault('30s'), TIMEOUT: durationEnv() });
    expect(schema.parse({ TIMEOUT: '2m' })).toEqual({ INTERVAL: 30_000, TIMEOUT: 120_000 });
  });
});

describe(parseEnv.name, () => {
  const schema = z.object({
    /** Port the HTTP server listens on. */
    PORT: z.coerce.number().int().positive().default(9090),
    /** Log level. */
    LOG_LEVEL: logLevelSchema.default('info'),
    /** Verbose debugging. */
    DEBUG: boolEnv().default(false),
    /** Reaper pass interval. */
    REAPER_INTERVAL: durationEnv({ positive: true }).prefault('30s'),
  });

  it('should return typed values with defaults filled', () => {
    expect(parseEnv(schema, { PORT: '8080', DEBUG: 'false', UNRELATED: 'x' })).toEqual({
      PORT: 8080,
      LOG_LEVEL: 'info',
      DEBUG: false,
      REAPER_INTERVAL: 30_000,
    });
  });

  it('should list every bad variable by name in one error', () => {
    const error = envError(() =>
      parseEnv(schema, { PORT: 'abc', LOG_LEVEL: 'verbose', DEBUG: 'maybe', REAPER_INTERVAL: '10' }),
    );

    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      [
        'environment: 4 problems',
        '  PORT: expected a number, got "abc"',
        '  LOG_LEVEL: expected one of "trace", "debug", "info", "warn", "error", got "verbose"',
        '  DEBUG: expected true/false, 1/0 or yes/no, got "maybe"',
        '  REAPER_INTERVAL: expected a duration, got "10" (write a number with a unit: ms, s, m, h or d, e.g. "500ms", "30s", "5m", "4h", "1h30m")',
      ].join('\n'),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'PORT',
      'LOG_LEVEL',
      'DEBUG',
      'REAPER_INTERVAL',
    ]);
  });

  it('should report a required variable that is not set, and cross-field rules', () => {
    const store = z
      .object({
        STORE: z.enum(['sqlite', 'postgres']).default('sqlite'),
        PG_URL: z.string().optional(),
        NODE_NAME: z.string(),
      })
      .superRefine((env, ctx) => {
        if (env.STORE === 'postgres' && env.PG_URL === undefined) {
          ctx.addIssue({ code: 'custom', path: ['PG_URL'], message: 'is required when STORE=postgres' });
        }
      });

    expect(envError(() => parseEnv(store, {})).message).toBe(
      'environment: 1 problem\n  NODE_NAME: is not set (set this environment variable)',
    );
    expect(envError(() => parseEnv(store, { STORE: 'postgres', NODE_NAME: 'n1' })).message).toBe(
      'environment: 1 problem\n  PG_URL: is required when STORE=postgres',
    );
  });

  describe('secrets', () => {
    let dir: string;
    const secrets = z.object({ API_TOKEN: secretEnv(), PG_PASSWORD: secretEnv().optional() });

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fracta-env-'));
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('should read a secret from the variable itself', () => {
      expect(parseEnv(secrets, { API_TOKEN: 'tok-123' })).toEqual({ API_TOKEN: 'tok-123' });
    });

    it('should read a secret from <NAME>_FILE, dropping the trailing newline', async () => {
      const file = join(dir, 'token');
      await writeFile(file, 'from-file\n');
      const passwordFile = join(dir, 'password');
      await writeFile(passwordFile, 'pw with spaces ');

      const env: Env = { API_TOKEN_FILE: file, PG_PASSWORD_FILE: passwordFile };
      expect(parseEnv(secrets, env)).toEqual({ API_TOKEN: 'from-file', PG_PASSWORD: 'pw with spaces ' });
    });

    it('should reject a secret set both directly and through a file, and an unreadable file', () => {
      const missing = join(dir, 'absent');
      const error = envError(() =>
        parseEnv(secrets, { API_TOKEN: 'leaked-value', API_TOKEN_FILE: missing, PG_PASSWORD_FILE: missing }),
      );

      expect(error.message).toBe(
        [
          'environment: 2 problems',
          '  API_TOKEN: both API_TOKEN and API_TOKEN_FILE are set; unset one of them',
          `  PG_PASSWORD_FILE: cannot read the secret file ${JSON.stringify(missing)} (ENOENT); check the path and its permissions`,
        ].join('\n'),
      );
      expect(error.message).not.toContain('leaked-value');
    });

    it('should not echo a secret that fails further validation', () => {
      const urls = z.object({ DB_URL: secretEnv().pipe(z.string().startsWith('postgres://')) });
      const error = envError(() => parseEnv(urls, { DB_URL: 'mysql://root:hunter2@db' }));

      expect(error.message).not.toContain('hunter2');
      expect(error.issues).toEqual([
        {
          path: 'DB_URL',
          message: 'must start with "postgres://", got a string (not shown: it may be a secret)',
        },
      ]);
    });

    it('should report a missing secret without echoing anything', () => {
      expect(envError(() => parseEnv(secrets, { API_TOKEN: '' })).message).toBe(
        'environment: 1 problem\n  API_TOKEN: must not be empty',
      );
    });
  });
});
