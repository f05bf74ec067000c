import { describe, expect, it } from '@jest/globals';

import { parseListenAddress, redactUrlPassword } from './schema-fragments.js';

describe(parseListenAddress.name, () => {
  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['[::1]:9090', { host: '::1', port: 9090 }],
    ['gateway:8080', { host: 'gateway', port: 8080 }],
  ])('should parse %j', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each([':8080', '8080', 'host:', 'host:70000', 'host:port', '::1:8080'])('should reject %j', (text) => {
    expect(parseListenAddress(text)).toBeUndefined();
  });
});

describe(redactUrlPassword.name, () => {
  it('should hide the password of a URL', () => {
    expect(redactUrlPassword('postgres://app:s3cret@db:5432/fracta')).toBe(
      'postgres://app:***@db:5432/fracta',
    );
  });

  it('should leave a URL without a password unchanged', () => {
    expect(redactUrlPassword('postgres://db/fracta')).toBe('postgres://db/fracta');
  });

  it('should hide a password even when the URL does not parse', () => {
    expect(redactUrlPassword('weird://app:s3cret@host with space')).toBe('weird://app:***@host with space');
  });
});
