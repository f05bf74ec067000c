import { InvariantViolationError } from '@fracta/domain';
import { parse, stringify, TomlError } from 'smol-toml';

import { McpConfigInvalidError } from './mcp-config.errors.js';

/** First line of fracta's block in a TOML file. */
export const TOML_BEGIN =
  '# >>> BEGIN fracta (managed by fracta: rewritten on every run, edits here are lost)';
/** Last line of fracta's block. */
export const TOML_END = '# <<< END fracta';

const BEGIN_LINE = /^# >>> BEGIN fracta\b[^\n]*$/gm;
const END_LINE = /^# <<< END fracta[ \t\r]*$/gm;
const HEADER = /^[ \t]*\[\[?([^\]\n]*)\]\]?[ \t]*(?:#[^\n]*)?$/;

type TomlTable = Record<string, unknown>;

function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function parseToml(path: string, text: string, where = ''): TomlTable {
  try {
    return parse(text);
  } catch (error) {
    const detail =
      error instanceof TomlError
        ? `line ${error.line}, column ${error.column}: ${error.message.split('\n')[0] ?? ''}`
        : String(error);
    throw new McpConfigInvalidError(
      'MCP_CONFIG_EXISTING_INVALID',
      `${path} in the workspace${where} is not valid TOML (${detail}): fix or delete it, fracta does not overwrite it`,
      { path },
    );
  }
}

function tryParse(text: string): TomlTable | null {
  try {
    return parse(text);
  } catch {
    return null;
  }
}

/** A copy of `doc` without `table.name` (and without `table` when that leaves it empty). */
function without(doc: TomlTable, table: string, name: string): TomlTable {
  const parent = doc[table];
  if (!isTable(parent)) return doc;
  const others = Object.fromEntries(Object.entries(parent).filter(([key]) => key !== name));
  const copy = Object.fromEntries(Object.entries(doc).filter(([key]) => key !== table));
  return Object.keys(others).length === 0 ? copy : { ...doc, [table]: others };
}

/** Splits a TOML key path (`a."b.c".d`) into its keys. */
function keyPath(header: string): string[] {
  const keys: string[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(header)) !== null && match[0] !== '') {
    keys.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return keys;
}

function hasEntry(doc: TomlTable, table: string, name: string): boolean {
  const parent = doc[table];
  return isTable(parent) && Object.hasOwn(parent, name);
}

/** Drops `[table.name]` and `[table.name.*]` sections (header to the next header), by line. */
function dropSections(text: string, table: string, name: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      const keys = keyPath(header[1] ?? '');
      dropping = keys[0] === table && keys[1] === name;
    }
    if (!dropping) kept.push(line);
  }
  return kept.join('\n');
}

function withoutBlock(path: string, text: string): string {
  const begins = [...text.matchAll(BEGIN_LINE)];
  const ends = [...text.matchAll(END_LINE)];
  if (begins.length === 0 && ends.length === 0) return text;
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
      `${path} has a broken fracta block (${begins.length} BEGIN and ${ends.length} END markers): delete the lines from "${TOML_BEGIN.slice(0, 18)}" to "${TOML_END}" and write again`,
      { path },
    );
  }
  const after = text.slice(end.index + end[0].length).replace(/^\r?\n/, '');
  return text.slice(0, begin.index) + after;
}

function compose(rest: string, block: string): string {
  const head = rest.trimEnd();
  return head === '' ? block : `${head}\n\n${block}`;
}

/**
 * Puts `[table.name]` (with `entry` as its content) into a TOML document as a delimited block
 * at its end, replacing fracta's previous block and any `[table.name]` the user wrote. The rest
 * of the file is kept as text, comments included; only when the entry is written in a form a
 * line edit cannot remove (inline table, dotted keys) is the rest re-serialized, without its
 * comments (`reformatted`). Writing twice gives the same bytes.
 */
export function mergeTomlEntry(
  path: string,
  existing: string | undefined,
  table: string,
  name: string,
  entry: TomlTable,
): { readonly content: string; readonly reformatted: boolean } {
  const block = `${TOML_BEGIN}\n${stringify({ [table]: { [name]: entry } }).trimEnd()}\n${TOML_END}\n`;
  const rest = withoutBlock(path, existing ?? '');
  const doc = parseToml(path, rest, existing?.includes(TOML_BEGIN) ? ' (outside the fracta block)' : '');
  if (doc[table] !== undefined && !isTable(doc[table])) {
    throw new McpConfigInvalidError(
      'MCP_CONFIG_EXISTING_INVALID',
      `${path}: "${table}" must be a table of servers: fix or delete it`,
      { path },
    );
  }
  // What the user's document must still say once fracta's entry is gone.
  const wanted = stringify(without(doc, table, name));
  const expected = stringify({ entry });
  const holdsEntry = (text: string): boolean => {
    const parent = tryParse(text)?.[table];
    return isTable(parent) && stringify({ entry: parent[name] }) === expected;
  };
  const edited = hasEntry(doc, table, name) ? dropSections(rest, table, name) : rest;
  const editedDoc = tryParse(edited);
  if (
    editedDoc !== null &&
    stringify(without(editedDoc, table, name)) === wanted &&
    !hasEntry(editedDoc, table, name)
  ) {
    const content = compose(edited, block);
    if (holdsEntry(content)) return { content, reformatted: false };
  }
  const content = compose(wanted, block);
  if (!holdsEntry(content)) {
    throw new InvariantViolationError(`${path}: the merged TOML does not hold fracta's entry`);
  }
  return { content, reformatted: true };
}
