import { describe, expect, it } from '@jest/globals';

import { CapturingLogger } from './capturing-logger.js';
import { Logger } from './logger.js';
import { silentLogger } from './silent-logger.js';

describe(CapturingLogger.name, () => {
  it('should record level, message and fields of every event', () => {
    const logger = new CapturingLogger();

    logger.trace('t');
    logger.debug('d', { a: 1 });
    logger.info('i');
    logger.warn('w');
    logger.error('e', { err: new Error('x') });

    expect(logger.entries.map(({ level, msg }) => `${level}:${msg}`)).toEqual([
      'trace:t',
      'debug:d',
      'info:i',
      'warn:w',
      'error:e',
    ]);
    expect(logger.entries[1]?.fields).toEqual({ a: 1 });
    expect(logger.messages('error')).toEqual(['e']);
  });

  it('should merge child bindings into the fields and share entries with the parent', () => {
    const root = new CapturingLogger();
    const reaper = root.child({ component: 'reaper', runId: 'old' });
    const run = reaper.child({ runId: 'r-1' });

    run.info('stopped', { reason: 'max_age' });
    root.info('root');

    expect(root.entries).toEqual([
      { level: 'info', msg: 'stopped', fields: { component: 'reaper', runId: 'r-1', reason: 'max_age' } },
      { level: 'info', msg: 'root', fields: {} },
    ]);
    expect(run.entries).toBe(root.entries);
  });

  it('should let event fields override bindings, and forget everything on clear', () => {
    const logger = new CapturingLogger().child({ component: 'a' });
    logger.warn('x', { component: 'b' });
    expect(logger.entries[0]?.fields).toEqual({ component: 'b' });

    logger.clear();
    expect(logger.entries).toEqual([]);
  });

  it('should be a Logger', () => {
    expect(new CapturingLogger()).toBeInstanceOf(Logger);
  });
});

describe(silentLogger.name, () => {
  it('should accept every call, and return itself as a child', () => {
    const logger = silentLogger();

    expect(() => {
      logger.trace('t');
      logger.debug('d', { a: 1 });
      logger.info('i');
      logger.warn('w');
      logger.error('e', { err: new Error('x') });
    }).not.toThrow();
    expect(logger.child({ component: 'x' })).toBe(logger);
    expect(logger).toBeInstanceOf(Logger);
  });
});
