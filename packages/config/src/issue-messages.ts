// Turns zod issues into one plain message per problem: what is wrong and how to fix it.
import { type z } from 'zod';

import { suggest } from './did-you-mean.js';
import { allowedKeysAt, expectedDescriptionOf, schemaAt } from './schema-introspection.js';

/** A problem located by key segments; the loader turns segments into a dotted path and a line. */
export interface LocatedIssue {
  readonly segments: readonly PropertyKey[];
  readonly message: string;
}

/** Whether issues are about a YAML file (keys) or the process environment (variables). */
type IssueSubject = 'file' | 'env';

interface MappingContext {
  readonly schema: z.core.$ZodType;
  readonly data: unknown;
  readonly subject: IssueSubject;
  /** Marks more values as secrets, beyond the key names isSensitivePath recognizes. */
  readonly isSecret?: (segments: readonly PropertyKey[]) => boolean;
}

const EXPECTED_TYPE_LABELS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
  bigint: 'a whole number',
  null: 'an empty value',
};

const SENSITIVE_KEY = /token|secret|passw|api[_-]?key|authorization|credential|private[_-]?key|cookie/i;

/** Dotted path for messages: `mcp_servers.github.args[1]`; odd keys are quoted: `env["A.B"]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(String(segment)))
      out += out === '' ? String(segment) : `.${String(segment)}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** The value at `segments` inside `data`, or undefined. */
function valueAt(data: unknown, segments: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** True when the value at this path may be a secret and must not be echoed in a message. */
function isSensitivePath(segments: readonly PropertyKey[]): boolean {
  const last = segments.at(-1);
  const parent = segments.at(-2);
  if (typeof last === 'string' && SENSITIVE_KEY.test(last)) return true;
  return parent === 'env' || parent === 'headers';
}

function isSecretIn(context: MappingContext, segments: readonly PropertyKey[]): boolean {
  return isSensitivePath(segments) || context.isSecret?.(segments) === true;
}

const MAX_ECHO = 60;

/** A value as it appears in "got …": quoted strings, plain numbers, and words for the rest. */
export function describeValue(value: unknown, sensitive = false): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (sensitive)
    return value === '' ? 'an empty string' : `a ${typeof value} (not shown: it may be a secret)`;
  if (typeof value === 'string') {
    const shown = value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return typeof value;
}

function quoteList(values: readonly unknown[]): string {
  return values
    .map((value) => (typeof value === 'string' ? JSON.stringify(value) : String(value)))
    .join(', ');
}

function didYouMean(word: unknown, candidates: readonly unknown[]): string {
  if (typeof word !== 'string') return '';
  const suggestion = suggest(
    word,
    candidates.filter((candidate): candidate is string => typeof candidate === 'string'),
  );
  return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
}

function unknownKeyMessage(
  key: string,
  allowed: readonly string[] | undefined,
  subject: IssueSubject,
): string {
  const noun = subject === 'env' ? 'variable' : 'key';
  if (allowed === undefined || allowed.length === 0) return `unknown ${noun} "${key}" (remove it)`;
  return `unknown ${noun} "${key}" (allowed: ${allowed.join(', ')})${didYouMean(key, allowed)}`;
}

function missingMessage(segments: readonly PropertyKey[], subject: IssueSubject): string {
  if (subject === 'env') return 'is not set (set this environment variable)';
  const key = String(segments.at(-1) ?? '');
  const parent = formatPath(segments.slice(0, -1));
  return parent === ''
    ? `required key "${key}" is missing; add it at the top level`
    : `required key "${key}" is missing; add it under ${parent}`;
}

function invalidTypeMessage(issue: z.core.$ZodIssueInvalidType, context: MappingContext): string {
  const segments = issue.path;
  const value = valueAt(context.data, segments);
  if (value === undefined) return missingMessage(segments, context.subject);
  const leaf = schemaAt(context.schema, segments, context.data);
  const described = leaf === undefined ? undefined : expectedDescriptionOf(leaf);
  const expected = described?.expected ?? EXPECTED_TYPE_LABELS[issue.expected] ?? `a ${issue.expected}`;
  const sensitive = isSecretIn(context, segments);
  let fix = described?.fix?.(value);
  if (fix !== undefined) fix = ` ${fix}`;
  else if (value === null) fix = ' (give it a value, or remove the key)';
  else if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    fix = sensitive ? ' (quote it)' : ` (quote it: "${String(value)}")`;
  } else if (
    (issue.expected === 'number' || issue.expected === 'int') &&
    typeof value === 'string' &&
    value.trim() !== '' &&
    !Number.isNaN(Number(value))
  ) {
    fix = context.subject === 'file' ? ' (remove the quotes)' : '';
  } else fix = '';
  return `expected ${expected}, got ${describeValue(value, sensitive)}${fix}`;
}

function sizeMessage(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  value: unknown,
  sensitive: boolean,
): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive ?? true;
  if (issue.origin === 'string') {
    const length = typeof value === 'string' ? value.length : 0;
    if (small && Number(limit) === 1) return 'must not be empty';
    return `must be ${small ? 'at least' : 'at most'} ${String(limit)} characters long, got ${length}`;
  }
  if (issue.origin === 'array') {
    return `must have ${small ? 'at least' : 'at most'} ${String(limit)} item${Number(limit) === 1 ? '' : 's'}`;
  }
  const bound = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
  return `must be ${bound} ${String(limit)}, got ${describeValue(value, sensitive)}`;
}

function unionMessage(issue: z.core.$ZodIssueInvalidUnion, context: MappingContext): string {
  const segments = issue.path;
  const value = valueAt(context.data, segments);
  const options =
    'options' in issue
      ? issue.options.filter((option) => option !== undefined && option !== null)
      : undefined;
  if (issue.discriminator !== undefined && options !== undefined) {
    const list = quoteList(options);
    if (value === undefined) {
      const key = String(segments.at(-1) ?? issue.discriminator);
      return `required key "${key}" is missing; set it to one of ${list}`;
    }
    return `expected one of ${list}, got ${describeValue(value)}${didYouMean(value, options)}`;
  }
  const first = issue.errors[0]?.[0];
  return first === undefined
    ? `got ${describeValue(value)}, which matches none of the allowed forms`
    : first.message;
}

function formatMessage(issue: z.core.$ZodIssueInvalidStringFormat, context: MappingContext): string {
  const got = describeValue(valueAt(context.data, issue.path), isSecretIn(context, issue.path));
  const details = issue as { prefix?: string; suffix?: string; includes?: string; pattern?: string };
  if (issue.format === 'starts_with' && details.prefix !== undefined)
    return `must start with "${details.prefix}", got ${got}`;
  if (issue.format === 'ends_with' && details.suffix !== undefined)
    return `must end with "${details.suffix}", got ${got}`;
  if (issue.format === 'includes' && details.includes !== undefined)
    return `must contain "${details.includes}", got ${got}`;
  if (issue.format === 'regex' && details.pattern !== undefined)
    return `must match ${details.pattern}, got ${got}`;
  return `expected a valid ${issue.format}, got ${got}`;
}

function keyMessage(issue: z.core.$ZodIssueInvalidKey): string {
  const key = String(issue.path.at(-1) ?? '');
  const reason =
    issue.issues.find((inner) => inner.code === 'custom')?.message ??
    issue.issues[0]?.message ??
    'not allowed';
  return `invalid name "${key}": ${reason}`;
}

/** Maps zod issues to located, human messages: one entry per problem (an issue with several unknown keys becomes several). */
export function mapZodIssues(issues: readonly z.core.$ZodIssue[], context: MappingContext): LocatedIssue[] {
  const out: LocatedIssue[] = [];
  for (const issue of issues) {
    const segments = issue.path;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeysAt(context.schema, segments, context.data);
        for (const key of issue.keys) {
          out.push({
            segments: [...segments, key],
            message: unknownKeyMessage(key, allowed, context.subject),
          });
        }
        break;
      }
      case 'invalid_type':
        out.push({ segments, message: invalidTypeMessage(issue, context) });
        break;
      case 'invalid_value': {
        const value = valueAt(context.data, segments);
        const message =
          issue.values.length === 1
            ? `expected ${quoteList(issue.values)}, got ${describeValue(value)}`
            : `expected one of ${quoteList(issue.values)}, got ${describeValue(value)}${didYouMean(value, issue.values)}`;
        out.push({ segments, message });
        break;
      }
      case 'too_small':
      case 'too_big':
        out.push({
          segments,
          message: sizeMessage(issue, valueAt(context.data, segments), isSecretIn(context, segments)),
        });
        break;
      case 'invalid_union':
        out.push({ segments, message: unionMessage(issue, context) });
        break;
      case 'invalid_key':
        out.push({ segments, message: keyMessage(issue) });
        break;
      case 'invalid_format':
        out.push({ segments, message: formatMessage(issue, context) });
        break;
      case 'not_multiple_of':
        out.push({ segments, message: `must be a multiple of ${String(issue.divisor)}` });
        break;
      case 'invalid_element':
      case 'custom':
        out.push({ segments, message: issue.message });
        break;
    }
  }
  return out;
}
