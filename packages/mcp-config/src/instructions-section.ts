import { McpConfigInvalidError } from './mcp-config.errors.js';

/** First line of fracta's section in an instruction file (CLAUDE.md, AGENTS.md …). */
export const SECTION_BEGIN =
  '<!-- BEGIN fracta (managed by fracta: rewritten on every run, edits here are lost) -->';
/** Last line of fracta's section. */
export const SECTION_END = '<!-- END fracta -->';

const BEGIN_LINE = /^<!-- BEGIN fracta\b[^\n]*$/gm;
const END_LINE = /^<!-- END fracta -->[ \t\r]*$/gm;

/** The delimited section, without a trailing newline. */
function section(instructions: string): string {
  return `${SECTION_BEGIN}\n${instructions}\n${SECTION_END}`;
}

/**
 * Puts fracta's section into an instruction file: replaces the section in place when the file
 * has one, else appends it after a blank line. Everything outside the section is kept byte for
 * byte, so writing twice gives the same bytes.
 */
export function mergeInstructions(path: string, existing: string | undefined, instructions: string): string {
  const block = section(instructions);
  if (existing === undefined || existing.trim() === '') return `${block}\n`;
  const begins = [...existing.matchAll(BEGIN_LINE)];
  const ends = [...existing.matchAll(END_LINE)];
  if (begins.length === 0 && ends.length === 0) return `${existing.trimEnd()}\n\n${block}\n`;
  const [begin] = begins;
  const [end] = ends;
  if (
    begins.length !== 1 ||
    ends.length !== 1 ||
    begin === undefined ||
    end === undefined ||
    end.index < begin.index
  ) {
    throw new McpConfigInvalidError(
      'MCP_CONFIG_EXISTING_INVALID',
      `${path} has a broken fracta section (${begins.length} BEGIN and ${ends.length} END markers): delete the lines from "<!-- BEGIN fracta" to "${SECTION_END}" and write again`,
      { path },
    );
  }
  return existing.slice(0, begin.index) + block + existing.slice(end.index + end[0].length);
}
