import { describe, expect, it } from '@jest/globals';

import { expandString } from './interpolate.js';

describe(expandString.name, () => {
  const env = { NAME: 'fracta', EMPTY: '', PORT: '8080' };

  it('should expand set variables', () => {
    expect(expandString('${NAME}:${PORT}', env)).toEqual({ value: 'fracta:8080', problems: [] });
  });

  it('should use the default when the variable is unset or empty', () => {
    expect(expandString('${MISSING:-a}/${EMPTY:-b}/${NAME:-c}', env)).toEqual({
      value: 'a/b/fracta',
      problems: [],
    });
  });

  it('should allow an empty default and a default with spaces and colons', () => {
    expect(expandString('[${MISSING:-}]', env).value).toBe('[]');
    expect(expandString('${MISSING:-http://h:1/x y}', env).value).toBe('http://h:1/x y');
  });

  it('should keep an empty value for a set, empty variable without a default', () => {
    expect(expandString('a${EMPTY}b', env)).toEqual({ value: 'ab', problems: [] });
  });

  it('should turn $${ into a literal ${', () => {
    expect(expandString('$${NAME} and $${', env)).toEqual({ value: '${NAME} and ${', problems: [] });
  });

  it('should leave other dollars alone', () => {
    expect(expandString('cost: $5, $$ and $NAME', env)).toEqual({
      value: 'cost: $5, $$ and $NAME',
      problems: [],
    });
  });

  it('should report each unset variable without a default', () => {
    expect(expandString('${A}-${B}', env).problems).toEqual([
      'environment variable A is not set (set it, or write ${A:-default})',
      'environment variable B is not set (set it, or write ${B:-default})',
    ]);
  });

  it('should report malformed references', () => {
    expect(expandString('${}', env).problems).toEqual([
      'invalid reference "${}": write ${NAME} or ${NAME:-default}, or "$${" for a literal "${"',
    ]);
    expect(expandString('${A-b}', env).problems).toHaveLength(1);
    expect(expandString('${A:-${B}}', env).problems).toEqual([
      'nested reference in the default of ${A} is not supported; write the default literally',
    ]);
    expect(expandString('x ${NAME', env).problems).toEqual([
      'unterminated "${" (close it with "}", or write "$${" for a literal "${")',
    ]);
  });
});
