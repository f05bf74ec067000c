import { describe, expect, it } from '@jest/globals';

import { assertAgentName, boundHead, boundTail, RESERVED_AGENT_NAMES } from './agent.js';
import { assertNever, toError } from './errors.js';
import { EVENT_LIMITS } from './event.js';
import { lifecycleEvent } from './lifecycle.js';

describe('reserved agent names', () => {
  it('should refuse the mailbox names in any case, saying why', () => {
    for (const name of [...RESERVED_AGENT_NAMES, 'HOST', 'ControlPlane']) {
      expect(() => assertAgentName(name)).toThrow(/reserved for a mailbox/);
    }
    expect(assertAgentName('hosted')).toBe('hosted');
  });
});

describe('bounding text', () => {
  it('should never split a surrogate pair', () => {
    const smiles = '😀😀😀';
    expect(boundTail(smiles, 3)).toBe('😀');
    expect(boundHead(smiles, 4)).toBe('😀…');
    expect(boundHead(`a${smiles}`, 3)).toBe('a…');
  });

  it('should return nothing for a non-positive bound', () => {
    expect(boundHead('abc', 0)).toBe('');
    expect(boundTail('abc', 0)).toBe('');
  });
});

describe('describing odd values', () => {
  it('should keep undefined, symbols and functions readable and as the cause', () => {
    expect(toError(undefined).message).toBe('undefined');
    expect(toError(Symbol('s')).message).toBe('Symbol(s)');
    const error = toError({ a: 1 });
    expect(error.cause).toEqual({ a: 1 });
  });

  it('should describe BigInt and circular values in assertNever', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => assertNever(10n as never)).toThrow(/unexpected value: 10/);
    expect(() => assertNever(circular as never)).toThrow(/unexpected value: \[object Object\]/);
  });
});

describe('lifecycle event bounds', () => {
  it('should keep a huge reason and too many attrs within the event limits', () => {
    const attrs = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(5_000)]));
    const at = new Date('2026-01-01T00:00:00Z');
    const event = lifecycleEvent({
      agent: 'a',
      from: 'running',
      trigger: 'fail',
      at,
      reason: 'r'.repeat(10_000),
      attrs,
    });
    expect(Object.keys(event.attrs).length).toBeLessThanOrEqual(EVENT_LIMITS.attrs);
    for (const value of Object.values(event.attrs))
      expect(value.length).toBeLessThanOrEqual(EVENT_LIMITS.attrValueChars);
    expect(event.attrs).toMatchObject({ from: 'running', to: 'failed' });
    expect(event.ts).not.toBe(at);
    expect(event.ts.getTime()).toBe(at.getTime());
  });
});
