import { Writable } from 'node:stream';

import { describe, expect, it } from '@jest/globals';

import { CapturingLogger } from './capturing-logger.js';
import { type LogLevel } from './logger.js';
import { createPinoLogger, DEFAULT_REDACT_PATHS, toPino } from './pino-logger.js';

/** A real Writable stream that keeps what pino writes to it. */
function captureStream(): { stream: Writable; text: () => string; records: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const text = (): string => chunks.join('');
  const records = (): Record<string, unknown>[] =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, text, records };
}

function logAtEveryLevel(level: LogLevel) {
  const out = captureStream();
  const logger = createPinoLogger({ level, destination: out.stream });
  logger.trace('t');
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  return out.records().map((record) => record.msg);
}

describe(createPinoLogger.name, () => {
  it('should write one JSON object per line with level, time, name, message and fields', () => {
    const out = captureStream();
    const logger = createPinoLogger({ level: 'info', name: 'controlplane', destination: out.stream });

    logger.info('run finished', { runId: 'r-1', durationMs: 12 });

    expect(out.text().endsWith('\n')).toBe(true);
    const [record] = out.records();
    expect(record).toMatchObject({
      level: 30,
      name: 'controlplane',
      msg: 'run finished',
      runId: 'r-1',
      durationMs: 12,
    });
    expect(typeof record?.time).toBe('number');
  });

  it.each<[LogLevel, string[]]>([
    ['trace', ['t', 'd', 'i', 'w', 'e']],
    ['debug', ['d', 'i', 'w', 'e']],
    ['info', ['i', 'w', 'e']],
    ['warn', ['w', 'e']],
    ['error', ['e']],
  ])('should write only events at or above %s', (level, expected) => {
    expect(logAtEveryLevel(level)).toEqual(expected);
  });

  it('should write nothing at level silent', () => {
    const out = captureStream();
    const logger = createPinoLogger({ level: 'silent', destination: out.stream });
    logger.error('e', { x: 1 });
    expect(out.text()).toBe('');
  });

  it('should add child bindings to every line, nested children included', () => {
    const out = captureStream();
    const logger = createPinoLogger({ level: 'debug', destination: out.stream });

    const reaper = logger.child({ component: 'reaper' });
    reaper.debug('pass started');
    reaper.child({ runId: 'r-7' }).warn('agent too old', { ageMs: 5 });
    logger.info('parent untouched');

    expect(out.records()).toEqual([
      expect.objectContaining({ component: 'reaper', msg: 'pass started' }),
      expect.objectContaining({
        component: 'reaper',
        runId: 'r-7',
        ageMs: 5,
        msg: 'agent too old',
        level: 40,
      }),
      expect.not.objectContaining({ component: 'reaper' }),
    ]);
  });

  it('should redact secrets in fields, nested objects, headers, environments and child bindings', () => {
    const out = captureStream();
    const logger = createPinoLogger({ level: 'info', destination: out.stream });
    const secrets = [
      'tok-top-1',
      'tok-nested-2',
      'tok-deep-3',
      'pw-4',
      'bearer-5',
      'key-6',
      'env-secret-7',
      'cookie-8',
      'client-secret-9',
      'binding-10',
      'list-11',
      'pg-dsn-12',
    ];

    logger.info('request', {
      token: secrets[0],
      gateway: { token: secrets[1], upstream: { token: secrets[2] } },
      user: { password: secrets[3] },
      req: {
        method: 'GET',
        headers: {
          authorization: `Bearer ${secrets[4]}`,
          'x-api-key': secrets[5],
          cookie: secrets[7],
          accept: 'json',
        },
      },
      agent: { name: 'a1', env: { ANTHROPIC_API_KEY: secrets[6] } },
      oauth: { client_secret: secrets[8] },
      servers: [{ apiKey: secrets[10] }],
      store: { connectionString: secrets[11] },
    });
    logger.child({ auth: { token: secrets[9] } }).info('bound');

    const text = out.text();
    for (const secret of secrets) expect(text).not.toContain(secret);
    const [request, bound] = out.records();
    expect(request).toMatchObject({
      token: '[redacted]',
      gateway: { token: '[redacted]', upstream: { token: '[redacted]' } },
      req: {
        method: 'GET',
        headers: {
          authorization: '[redacted]',
          'x-api-key': '[redacted]',
          cookie: '[redacted]',
          accept: 'json',
        },
      },
      agent: { name: 'a1', env: { ANTHROPIC_API_KEY: '[redacted]' } },
    });
    expect(bound).toMatchObject({ auth: { token: '[redacted]' } });
  });

  it('should redact extra paths given in options', () => {
    const out = captureStream();
    const logger = createPinoLogger({ level: 'info', destination: out.stream, redact: ['mission.prompt'] });

    logger.info('queued', { mission: { id: 'm1', prompt: 'do the secret thing' } });

    expect(out.text()).not.toContain('secret thing');
    expect(out.records()[0]).toMatchObject({ mission: { id: 'm1', prompt: '[redacted]' } });
  });

  it('should serialize an error given as err (or error) with its type, message and stack', () => {
    const out = captureStream();
    const logger = createPinoLogger({ level: 'info', destination: out.stream });
    const cause = new Error('socket closed');
    const err = new TypeError('store unavailable', { cause });

    logger.error('spawn failed', { err, agentId: 'a1' });
    logger.warn('retrying', { error: new Error('second') });

    const [first, second] = out.records();
    expect(first).toMatchObject({
      msg: 'spawn failed',
      agentId: 'a1',
      err: { type: 'TypeError', message: expect.stringContaining('store unavailable') },
    });
    expect((first?.err as { stack: string }).stack).toContain('TypeError: store unavailable');
    expect((first?.err as { stack: string }).stack).toContain('pino-logger.test');
    expect(second).toMatchObject({ error: { type: 'Error', message: 'second' } });
  });

  it('should keep the default redaction list free of duplicates', () => {
    expect(new Set(DEFAULT_REDACT_PATHS).size).toBe(DEFAULT_REDACT_PATHS.length);
  });
});

describe(toPino.name, () => {
  it('should return the pino instance behind a logger and its children', () => {
    const out = captureStream();
    const logger = createPinoLogger({ level: 'warn', destination: out.stream });

    const instance = toPino(logger);
    expect(instance.level).toBe('warn');
    instance.warn({ raw: true }, 'through pino');
    toPino(logger.child({ component: 'http' })).warn('child pino');

    expect(out.records()).toEqual([
      expect.objectContaining({ raw: true, msg: 'through pino' }),
      expect.objectContaining({ component: 'http', msg: 'child pino' }),
    ]);
  });

  it('should refuse a logger that is not pino-backed', () => {
    expect(() => toPino(new CapturingLogger())).toThrow(
      new TypeError('toPino: this logger was not made by createPinoLogger'),
    );
  });
});
