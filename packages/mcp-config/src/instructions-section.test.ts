import { describe, expect, it } from '@jest/globals';

import { mergeInstructions, SECTION_BEGIN, SECTION_END } from './instructions-section.js';
import { McpConfigInvalidError } from './mcp-config.errors.js';

const SECTION = `${SECTION_BEGIN}\nYou are agent a1.\n${SECTION_END}`;

describe(mergeInstructions.name, () => {
  it('should write only the section when there is no file', () => {
    expect(mergeInstructions('CLAUDE.md', undefined, 'You are agent a1.')).toBe(`${SECTION}\n`);
    expect(mergeInstructions('CLAUDE.md', ' \n\n', 'You are agent a1.')).toBe(`${SECTION}\n`);
  });

  it("should append the section after the user's text, separated by a blank line", () => {
    const merged = mergeInstructions('CLAUDE.md', '# Project\n\nUse pnpm.\n\n\n', 'You are agent a1.');

    expect(merged).toBe(`# Project\n\nUse pnpm.\n\n${SECTION}\n`);
  });

  it('should replace the section in place and keep the text around it byte for byte', () => {
    const before = `# Project\r\n\r\n${SECTION_BEGIN}\nold text\nmore old text\n${SECTION_END}\n\n## After\r\nkeep me  \n`;

    const merged = mergeInstructions('AGENTS.md', before, 'new text');

    expect(merged).toBe(
      `# Project\r\n\r\n${SECTION_BEGIN}\nnew text\n${SECTION_END}\n\n## After\r\nkeep me  \n`,
    );
  });

  it('should give the same bytes when written twice', () => {
    const first = mergeInstructions('CLAUDE.md', '# Project\nrules', 'You are agent a1.');
    const second = mergeInstructions('CLAUDE.md', first, 'You are agent a1.');

    expect(second).toBe(first);
  });

  it('should recognise its markers with CRLF line endings and write its own lines with LF', () => {
    const crlf = `intro\r\n${SECTION_BEGIN}\r\nold\r\n${SECTION_END}\r\nafter\r\n`;

    const merged = mergeInstructions('CLAUDE.md', crlf, 'new');

    expect(merged).toBe(`intro\r\n${SECTION_BEGIN}\nnew\n${SECTION_END}\nafter\r\n`);
    expect(mergeInstructions('CLAUDE.md', merged, 'new')).toBe(merged);
  });

  it.each([
    ['two sections', `${SECTION}\n${SECTION}\n`, '2 BEGIN and 2 END'],
    ['an END without a BEGIN', `text\n${SECTION_END}\n`, '0 BEGIN and 1 END'],
    ['a BEGIN without an END', `${SECTION_BEGIN}\ntext\n`, '1 BEGIN and 0 END'],
    ['END before BEGIN', `${SECTION_END}\nx\n${SECTION_BEGIN}\n`, '1 BEGIN and 1 END'],
  ])('should refuse a file with %s instead of guessing', (_case, existing, counts) => {
    const attempt = () => mergeInstructions('CLAUDE.md', existing, 'new');

    expect(attempt).toThrow(McpConfigInvalidError);
    expect(attempt).toThrow(`CLAUDE.md has a broken fracta section (${counts} markers)`);
    expect(attempt).toThrow(expect.objectContaining({ code: 'MCP_CONFIG_EXISTING_INVALID' }));
  });
});
