// Finds, reads, interpolates and validates fracta.yaml, reporting every problem with its file,
// line, key path and fix.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from 'yaml';
import { type z } from 'zod';

import { ConfigError, type ConfigIssue } from './config.errors.js';
import { type FractaConfig, fractaConfigSchema } from './fracta-config.schema.js';
import { type Env, interpolateDocument } from './interpolate.js';
import { formatPath, type LocatedIssue, mapZodIssues } from './issue-messages.js';

/** File names looked for in each directory, in order of preference. */
export const CONFIG_FILE_NAMES = ['fracta.yaml', 'fracta.yml'] as const;

/** Config files larger than this are refused. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadConfigOptions {
  /** Directory to resolve `path` against and to start discovery from. */
  readonly cwd: string;
  /** Variables for ${VAR} interpolation (pass process.env from main.ts). */
  readonly env: Env;
  /** Explicit config file (e.g. from --config); it must exist. When absent, the nearest fracta.yaml is used. */
  readonly path?: string | undefined;
}

export interface LoadedConfig {
  readonly config: FractaConfig;
  /** Absolute path of the file read, or undefined when none was found and defaults were used. */
  readonly path: string | undefined;
  /** Directory holding the file (cwd when no file was found); relative paths in the config are relative to it. */
  readonly projectRoot: string;
}

export interface ParseConfigOptions {
  /** File name used in messages. */
  readonly file: string;
  readonly env: Env;
  /** project.name when the file does not set one. */
  readonly projectName: string;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Walks up from `startDir` to the filesystem root; returns the first fracta.yaml (or fracta.yml) found. */
export async function findConfigFile(startDir: string): Promise<string | undefined> {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (await isFile(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The directory's name made a valid project name (letters, digits, '.', '_', '-'; at most 64). */
function projectNameFor(projectRoot: string): string {
  const slug = basename(projectRoot)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return slug === '' ? 'project' : slug;
}

function withProjectName(config: z.output<typeof fractaConfigSchema>, projectName: string): FractaConfig {
  return { ...config, project: { ...config.project, name: config.project.name ?? projectName } };
}

/** The configuration used when there is no fracta.yaml: every default, with the given project name. */
export function defaultFractaConfig(projectName: string): FractaConfig {
  return withProjectName(fractaConfigSchema.parse({}), projectName);
}

function errorCode(error: unknown): string | undefined {
  // Not `instanceof Error`: errors from node:fs may come from another realm (Jest's VM contexts).
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

function fileError(
  code: 'CONFIG_NOT_FOUND' | 'CONFIG_UNREADABLE' | 'CONFIG_INVALID',
  file: string,
  message: string,
  cause?: unknown,
): ConfigError {
  return new ConfigError({ code, file, issues: [{ path: '', message }], cause });
}

async function readConfigFile(file: string, cwd: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory())
      throw fileError(
        'CONFIG_UNREADABLE',
        file,
        'is a directory, not a file; point at the fracta.yaml inside it',
      );
    size = info.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw fileError(
        'CONFIG_NOT_FOUND',
        file,
        `config file not found; check the path, or leave it out to use the nearest fracta.yaml at or above ${cwd}`,
        error,
      );
    }
    throw fileError(
      'CONFIG_UNREADABLE',
      file,
      `cannot read the config file (${code ?? String(error)}); check its permissions`,
      error,
    );
  }
  if (size > MAX_CONFIG_BYTES) {
    throw fileError(
      'CONFIG_INVALID',
      file,
      `the file is ${size} bytes, more than the ${MAX_CONFIG_BYTES} allowed; is this the right file?`,
    );
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(
      'CONFIG_UNREADABLE',
      file,
      `cannot read the config file (${errorCode(error) ?? String(error)}); check its permissions`,
      error,
    );
  }
}

/**
 * Loads the project's configuration. With `path`, that file must exist; without it, the nearest
 * fracta.yaml at or above `cwd` is used, and when there is none the defaults are returned with
 * `path: undefined` (the caller decides whether that is acceptable).
 * @throws ConfigError CONFIG_NOT_FOUND, CONFIG_UNREADABLE, or CONFIG_INVALID listing every problem.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd);
  const file = options.path === undefined ? await findConfigFile(cwd) : resolve(cwd, options.path);
  if (file === undefined) {
    return { config: defaultFractaConfig(projectNameFor(cwd)), path: undefined, projectRoot: cwd };
  }
  const text = await readConfigFile(file, cwd);
  const projectRoot = dirname(file);
  const config = parseConfigText(text, { file, env: options.env, projectName: projectNameFor(projectRoot) });
  return { config, path: file, projectRoot };
}

interface Position {
  readonly line: number;
  readonly column: number;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** Line and column of the key at `segments` (or of the list item, or of the whole document for []). */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  segments: readonly PropertyKey[],
): Position | undefined {
  let node: unknown = doc.contents;
  let target: unknown = node;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (pair === undefined) return undefined;
      target = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      target = node;
    } else {
      return undefined;
    }
  }
  const range = (target as Partial<Node> | null | undefined)?.range;
  if (range === undefined || range === null) return undefined;
  const { line, col } = lineCounter.linePos(range[0]);
  return { line, column: col };
}

/** The key written at `offset` (a duplicate key error points at its first character). */
function duplicateKeyAt(text: string, offset: number): string {
  const match = /^(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^:\n]*?))\s*:/.exec(text.slice(offset));
  return match?.[1] ?? match?.[2] ?? match?.[3] ?? text.slice(offset, offset + 1);
}

function syntaxIssue(error: YAMLError, text: string, lineCounter: LineCounter): ConfigIssue {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const detail = error.message.split('\n')[0]?.trim() ?? error.code;
  const message =
    error.code === 'DUPLICATE_KEY'
      ? `duplicate key ${JSON.stringify(duplicateKeyAt(text, error.pos[0]))}; a key may appear once per mapping, so remove or merge the repeats`
      : `YAML syntax error: ${detail}`;
  return { path: '', message, line, column: col };
}

function describeRoot(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a plain string' : `a ${typeof value}`;
}

function isUnder(segments: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return (
    prefix.length <= segments.length &&
    prefix.every((segment, index) => String(segments[index]) === String(segment))
  );
}

function compareIssues(a: ConfigIssue, b: ConfigIssue): number {
  if (a.line === undefined || b.line === undefined)
    return (a.line === undefined ? 1 : 0) - (b.line === undefined ? 1 : 0);
  return a.line - b.line || (a.column ?? 0) - (b.column ?? 0);
}

/**
 * Validates the text of a fracta.yaml: YAML syntax, ${VAR} interpolation, schema and cross-field
 * rules. Every problem is collected before throwing, one issue per problem.
 * @throws ConfigError CONFIG_INVALID
 */
export function parseConfigText(text: string, options: ParseConfigOptions): FractaConfig {
  const { file, env, projectName } = options;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const invalid = (issues: ConfigIssue[]): ConfigError =>
    new ConfigError({ code: 'CONFIG_INVALID', file, issues: issues.sort(compareIssues) });

  if (doc.errors.length > 0) throw invalid(doc.errors.map((error) => syntaxIssue(error, text, lineCounter)));

  const located: LocatedIssue[] = interpolateDocument(doc, env);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw invalid([{ path: '', message: `cannot expand YAML aliases: ${String(error)}` }]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const position = locate(doc, lineCounter, []);
    throw invalid([
      {
        path: '',
        message: `the top level must be a mapping of keys such as "project:" and "runtime:", got ${describeRoot(data)}`,
        ...position,
      },
    ]);
  }

  const result = fractaConfigSchema.safeParse(data);
  if (!result.success) {
    const interpolationPaths = located.map((issue) => issue.segments);
    const schemaIssues = mapZodIssues(result.error.issues, {
      schema: fractaConfigSchema,
      data,
      subject: 'file',
    });
    // A value with an unset variable fails validation too; report the variable only.
    located.push(
      ...schemaIssues.filter(
        (issue) => !interpolationPaths.some((prefix) => isUnder(issue.segments, prefix)),
      ),
    );
  }
  if (located.length > 0 || !result.success) {
    const seen = new Set<string>();
    const issues: ConfigIssue[] = [];
    for (const issue of located) {
      const path = formatPath(issue.segments);
      const id = `${path}\u0000${issue.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      issues.push({ path, message: issue.message, ...locate(doc, lineCounter, issue.segments) });
    }
    throw invalid(issues);
  }
  return withProjectName(result.data, projectName);
}
