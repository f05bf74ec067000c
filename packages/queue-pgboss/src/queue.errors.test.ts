import { describe, expect, it } from '@jest/globals';

import { redactUrl } from './queue.errors.js';

describe('redactUrl', () => {
  it('should hide the password and nothing else', () => {
    expect(redactUrl('postgres://fracta:s3cret@db:5432/fracta')).toBe('postgres://fracta:***@db:5432/fracta');
    expect(redactUrl('postgres://fracta@db/fracta')).toBe('postgres://fracta@db/fracta');
  });

  it('should not echo an unparseable URL (it may hold a secret)', () => {
    expect(redactUrl('not a url s3cret')).toBe('<unparseable url>');
  });
});
