import { McpConfigInvalidError } from './mcp-config.errors.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns JSONC (the `//` and `/* *\/` comments and trailing commas opencode accepts) into JSON,
 * leaving strings untouched. Comments become spaces, so JSON.parse positions stay meaningful.
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    const next = text[i + 1];
    if (char === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (char === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i += 1;
      }
    } else if (char === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      const stop = close === -1 ? text.length : close + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += char;
      i += 1;
    }
  }
  // Trailing commas: a comma followed only by whitespace before a closing bracket. Strings were
  // copied verbatim above, so skip over them again here.
  return out.replace(
    /("(?:[^"\\]|\\.)*")|,(\s*[}\]])/g,
    (match, string: string | undefined, rest: string | undefined) => string ?? rest ?? match,
  );
}

/**
 * Parses an existing workspace file that must hold a JSON object. A file that does not parse is
 * an error naming the file and the fix, never a reason to overwrite it.
 */
export function parseJsonObject(
  path: string,
  text: string | undefined,
  options: { comments: boolean },
): JsonObject {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(options.comments ? stripJsonComments(text) : text);
  } catch (error) {
    throw new McpConfigInvalidError(
      'MCP_CONFIG_EXISTING_INVALID',
      `${path} in the workspace is not valid JSON (${error instanceof Error ? error.message : String(error)}): fix or delete it, fracta does not overwrite it`,
      { path },
    );
  }
  if (!isJsonObject(value)) {
    throw new McpConfigInvalidError(
      'MCP_CONFIG_EXISTING_INVALID',
      `${path} in the workspace must hold a JSON object, not ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}: fix or delete it`,
      { path },
    );
  }
  return value;
}

/** Reads `doc[key]` as an object, creating it when absent; any other type is the user's error. */
export function objectField(doc: JsonObject, key: string, path: string, where: string): JsonObject {
  const value = Object.hasOwn(doc, key) ? doc[key] : undefined;
  if (value === undefined) {
    const created: JsonObject = {};
    doc[key] = created;
    return created;
  }
  if (!isJsonObject(value)) {
    throw new McpConfigInvalidError(
      'MCP_CONFIG_EXISTING_INVALID',
      `${path}: "${where}" must be an object, not ${Array.isArray(value) ? 'an array' : typeof value}: fix or delete it`,
      { path },
    );
  }
  return value;
}

/** Reads `doc[key]` as a list of strings (absent → empty). */
export function stringListField(doc: JsonObject, key: string, path: string, where: string): string[] {
  const value = Object.hasOwn(doc, key) ? doc[key] : undefined;
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new McpConfigInvalidError(
      'MCP_CONFIG_EXISTING_INVALID',
      `${path}: "${where}" must be an array of strings: fix or delete it`,
      { path },
    );
  }
  return value;
}

/** Stable output: two-space indent and a final newline. */
export function renderJson(doc: JsonObject): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
