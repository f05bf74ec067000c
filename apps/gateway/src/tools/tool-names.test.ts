import { describe, expect, it } from '@jest/globals';

import {
  exposedToolNames,
  isPortableToolName,
  MAX_TOOL_NAME_CHARS,
  qualifiedToolName,
} from './tool-names.js';

const names = (...refs: [string, string][]) =>
  exposedToolNames(refs.map(([backend, tool]) => ({ backend, tool })));

describe('exposedToolNames', () => {
  it('should keep <backend>__<tool> as is when every client accepts it', () => {
    expect(names(['files', 'read_file'], ['git-hub', 'create-issue'])).toEqual([
      'files__read_file',
      'git-hub__create-issue',
    ]);
    expect(MAX_TOOL_NAME_CHARS).toBe(51);
    expect(qualifiedToolName('a', 'b')).toBe('a__b');
  });

  it('should sanitize characters the model APIs refuse and add a hash so the name stays unique', () => {
    const [dotted, spaced] = names(['files', 'read.file'], ['files', 'read file']);
    expect(dotted).toMatch(/^files__read_file_[0-9a-f]{8}$/);
    expect(spaced).toMatch(/^files__read_file_[0-9a-f]{8}$/);
    expect(dotted).not.toBe(spaced);
    // and a plain tool that sanitizes to the same text keeps its plain name
    expect(names(['files', 'read_file'], ['files', 'read.file'])[0]).toBe('files__read_file');
  });

  it('should cut long names to 51 characters, readable and distinct', () => {
    const backend = 'a-rather-long-backend-name';
    const tools = [
      'list_every_repository_of_the_organisation_a',
      'list_every_repository_of_the_organisation_b',
    ];
    const exposed = names([backend, tools[0] ?? ''], [backend, tools[1] ?? '']);
    for (const name of exposed) {
      expect(name.length).toBe(MAX_TOOL_NAME_CHARS);
      expect(isPortableToolName(name)).toBe(true);
      expect(name.startsWith(`${backend}__list_every`)).toBe(true);
    }
    expect(exposed[0]).not.toBe(exposed[1]);
  });

  it('should be stable: the same tools get the same names on every build', () => {
    const refs: [string, string][] = [
      ['x'.repeat(60), 'tool'],
      ['files', 'a/b'],
    ];
    expect(names(...refs)).toEqual(names(...refs));
  });

  it('should separate tools whose plain names collide across backends, and never take a reserved name', () => {
    const [first, second] = names(['a__b', 'c'], ['a', 'b__c']);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^a__b__c_[0-9a-f]{8}$/);
    const [taken] = exposedToolNames([{ backend: 'fracta', tool: 'list' }], ['fracta__list']);
    expect(taken).toMatch(/^fracta__list_[0-9a-f]{8}$/);
  });

  it('should refuse a backend listing the same tool twice (the catalog removes duplicates first)', () => {
    expect(() => names(['files', 'read'], ['files', 'read'])).toThrow(/collision/);
  });
});

describe('isPortableToolName', () => {
  it('should accept letters, digits, _ and - up to 51 characters only', () => {
    expect(isPortableToolName('fracta_list')).toBe(true);
    expect(isPortableToolName('')).toBe(false);
    expect(isPortableToolName('a.b')).toBe(false);
    expect(isPortableToolName('x'.repeat(52))).toBe(false);
  });
});
