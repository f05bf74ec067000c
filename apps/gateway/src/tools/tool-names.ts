/**
 * The names agents see for backend tools: `<backend>__<tool>`, valid for every client's model API
 * (only letters, digits, `_` and `-`; at most MCP_CONFIG_LIMITS.gatewayToolChars = 51 characters,
 * which is 64 minus Claude's `mcp__fracta__` prefix), unique across the whole catalog.
 *
 * A name that is already valid and short enough is used as is. Otherwise it is sanitized (every
 * other character becomes `_`), cut, and given a `_` plus 8 hex digits of a hash of the backend
 * and tool names, so it stays readable, stable across restarts and distinct from its neighbours.
 * Names that still collide (two tools sanitizing to the same text, or a backend name containing
 * `__`) all take the hashed form.
 */
import { createHash } from 'node:crypto';

import { MCP_CONFIG_LIMITS } from '@fracta/mcp-config';

export const MAX_TOOL_NAME_CHARS = MCP_CONFIG_LIMITS.gatewayToolChars;
const HASH_CHARS = 8;
const VALID = /^[A-Za-z0-9_-]+$/;

/** Whether `name` is usable as is by every client (Claude, Codex, opencode). */
export function isPortableToolName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_TOOL_NAME_CHARS && VALID.test(name);
}

/** The unshortened name of a backend tool: `<backend>__<tool>`. */
export function qualifiedToolName(backend: string, tool: string): string {
  return `${backend}__${tool}`;
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

function hashedName(backend: string, tool: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([backend, tool]))
    .digest('hex');
  const head = sanitize(qualifiedToolName(backend, tool)).slice(0, MAX_TOOL_NAME_CHARS - HASH_CHARS - 1);
  return `${head}_${digest.slice(0, HASH_CHARS)}`;
}

export interface BackendToolRef {
  readonly backend: string;
  readonly tool: string;
}

/**
 * Exposed names for `tools`, in the same order. `reserved` names (the fracta tools) are never
 * given to a backend tool.
 */
export function exposedToolNames(
  tools: readonly BackendToolRef[],
  reserved: Iterable<string> = [],
): string[] {
  const names = tools.map(({ backend, tool }) => {
    const plain = qualifiedToolName(backend, tool);
    return isPortableToolName(plain) ? plain : hashedName(backend, tool);
  });
  const taken = new Set(reserved);
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const result = names.map((name, index) => {
    const ref = tools[index];
    if (ref === undefined) throw new Error('unreachable');
    const collides = (counts.get(name) ?? 0) > 1 || taken.has(name);
    return collides ? hashedName(ref.backend, ref.tool) : name;
  });
  const seen = new Set(taken);
  for (const [index, name] of result.entries()) {
    if (seen.has(name)) {
      const ref = tools[index];
      throw new Error(`tool name collision on ${name} (${ref?.backend ?? '?'} / ${ref?.tool ?? '?'})`);
    }
    seen.add(name);
  }
  return result;
}
