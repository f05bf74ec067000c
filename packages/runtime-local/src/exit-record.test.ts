import { describe, expect, it } from '@jest/globals';

import { parseExitRecord } from './exit-record.js';

describe(parseExitRecord.name, () => {
  it('should read an exit code or a signal', () => {
    expect(parseExitRecord('{"exitCode":0,"signal":null}')).toEqual({ exitCode: 0, signal: null });
    expect(parseExitRecord('{"exitCode":3,"signal":null}')).toEqual({ exitCode: 3, signal: null });
    expect(parseExitRecord('{"exitCode":null,"signal":"SIGKILL"}')).toEqual({
      exitCode: null,
      signal: 'SIGKILL',
    });
  });

  it('should read a start error, which has neither exit code nor signal', () => {
    expect(parseExitRecord('{"exitCode":null,"signal":null,"error":"could not execute /x: ENOENT"}')).toEqual(
      {
        exitCode: null,
        signal: null,
        error: 'could not execute /x: ENOENT',
      },
    );
  });

  it('should bound a long error', () => {
    const record = parseExitRecord(
      JSON.stringify({ exitCode: null, signal: null, error: 'e'.repeat(10_000) }),
    );

    expect(record?.error).toHaveLength(2_000);
  });

  it.each([
    [''],
    ['{"exitCode":0'],
    ['null'],
    ['[]'],
    ['"text"'],
    ['{}'],
    ['{"exitCode":null,"signal":null}'],
    ['{"exitCode":"0","signal":null}'],
    ['{"exitCode":1.5,"signal":null}'],
    ['{"exitCode":null,"signal":"kill -9"}'],
    ['{"exitCode":null,"signal":null,"error":""}'],
  ])('should not take %j for an exit record', (text) => {
    expect(parseExitRecord(text)).toBeNull();
  });
});
