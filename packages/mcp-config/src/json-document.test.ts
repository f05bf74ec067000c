import { describe, expect, it } from '@jest/globals';

import {
  objectField,
  parseJsonObject,
  renderJson,
  stringListField,
  stripJsonComments,
} from './json-document.js';
import { McpConfigInvalidError } from './mcp-config.errors.js';

describe(stripJsonComments.name, () => {
  it('should remove line and block comments and trailing commas', () => {
    const text =
      '{\n  // a comment\n  "a": 1, /* inline */ "b": [1, 2,],\n  /* multi\n line */\n  "c": {"d": true,},\n}';

    expect(JSON.parse(stripJsonComments(text))).toEqual({ a: 1, b: [1, 2], c: { d: true } });
  });

  it('should leave comment-like text and commas inside strings alone', () => {
    const text = '{"url": "http://x//y", "glob": "/* not a comment */", "q": "a\\"// b", "t": ",}"}';

    expect(JSON.parse(stripJsonComments(text))).toEqual({
      url: 'http://x//y',
      glob: '/* not a comment */',
      q: 'a"// b',
      t: ',}',
    });
  });

  it('should keep line numbers, so parse errors still point at the right line', () => {
    const text = '{\n/* one\ntwo */\n"a": 1\n}';

    expect(stripJsonComments(text).split('\n')).toHaveLength(5);
  });
});

describe(parseJsonObject.name, () => {
  it('should read a missing or empty file as an empty object', () => {
    expect(parseJsonObject('.mcp.json', undefined, { comments: false })).toEqual({});
    expect(parseJsonObject('.mcp.json', '  \n', { comments: false })).toEqual({});
  });

  it('should refuse invalid JSON, naming the file and the fix', () => {
    const attempt = () => parseJsonObject('.mcp.json', '{"mcpServers": {', { comments: false });

    expect(attempt).toThrow(McpConfigInvalidError);
    expect(attempt).toThrow(/^\.mcp\.json in the workspace is not valid JSON \(.+\): fix or delete it/);
    expect(attempt).toThrow(
      expect.objectContaining({ code: 'MCP_CONFIG_EXISTING_INVALID', details: { path: '.mcp.json' } }),
    );
  });

  it('should refuse comments in strict JSON and accept them in JSONC', () => {
    const text = '{ // mine\n "a": 1 }';

    expect(() => parseJsonObject('.mcp.json', text, { comments: false })).toThrow('not valid JSON');
    expect(parseJsonObject('opencode.json', text, { comments: true })).toEqual({ a: 1 });
  });

  it.each([
    ['[1, 2]', 'an array'],
    ['null', 'null'],
    ['"text"', '"text"'],
    ['3', '3'],
  ])('should refuse %s, which is not an object', (text, shown) => {
    expect(() => parseJsonObject('opencode.json', text, { comments: true })).toThrow(
      `opencode.json in the workspace must hold a JSON object, not ${shown}`,
    );
  });
});

describe(objectField.name, () => {
  it('should create a missing object and refuse another type', () => {
    const doc = { a: [1] };

    expect(objectField(doc, 'b', 'f.json', 'b')).toEqual({});
    expect(doc).toEqual({ a: [1], b: {} });
    expect(() => objectField(doc, 'a', 'f.json', 'a')).toThrow('f.json: "a" must be an object, not an array');
  });
});

describe(stringListField.name, () => {
  it('should read a list of strings and refuse anything else', () => {
    expect(stringListField({ a: ['x'] }, 'a', 'f.json', 'a')).toEqual(['x']);
    expect(stringListField({}, 'a', 'f.json', 'a')).toEqual([]);
    expect(() => stringListField({ a: ['x', 1] }, 'a', 'f.json', 'p.a')).toThrow(
      'f.json: "p.a" must be an array of strings',
    );
    expect(() => stringListField({ a: 'x' }, 'a', 'f.json', 'a')).toThrow('must be an array of strings');
  });
});

describe(renderJson.name, () => {
  it('should indent with two spaces and end with a newline', () => {
    expect(renderJson({ a: { b: 1 } })).toBe('{\n  "a": {\n    "b": 1\n  }\n}\n');
  });
});
