import { IdGenerator } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { SequentialIdGenerator } from './sequential-id-generator.js';

describe(SequentialIdGenerator.name, () => {
  it('should be an IdGenerator', () => {
    expect(new SequentialIdGenerator()).toBeInstanceOf(IdGenerator);
  });

  it('should count each kind separately, padded to four digits', () => {
    const ids = new SequentialIdGenerator();

    expect([ids.next('run'), ids.next('run'), ids.next('mission'), ids.next('run')]).toEqual([
      'run-0001',
      'run-0002',
      'mission-0001',
      'run-0003',
    ]);
    expect(ids.next('credential')).toBe('credential-0001');
    expect(ids.next('message')).toBe('message-0001');
  });

  it('should start over in a new generator', () => {
    new SequentialIdGenerator().next('run');

    expect(new SequentialIdGenerator().next('run')).toBe('run-0001');
  });

  it('should keep ids unique past 9999', () => {
    const ids = new SequentialIdGenerator();
    const seen = new Set(Array.from({ length: 10_001 }, () => ids.next('mission')));

    expect(seen.size).toBe(10_001);
    expect(seen.has('mission-10001')).toBe(true);
  });
});
