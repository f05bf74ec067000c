// Helpers for the apps' environment schemas (STYLE.md §4.6): explicit booleans, durations,
// secrets from <NAME>_FILE, and parseEnv, which reports every bad variable at once.
import { readFileSync } from 'node:fs';

import { z } from 'zod';

import { ConfigError, type ConfigIssue } from './config.errors.js';
import { type Env } from './interpolate.js';
import { describeValue, formatPath, mapZodIssues } from './issue-messages.js';
import { durationSchema, type DurationSchemaOptions } from './schema-fragments.js';
import { describeExpected, schemaLayers } from './schema-introspection.js';

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * A boolean variable: true/false, 1/0 or yes/no, case-insensitive. Anything else is an issue.
 * (Never z.coerce.boolean, which reads "false" as true.) Add `.default(false)` for an optional flag.
 */
export function boolEnv() {
  const schema = z.string().transform((raw, ctx) => {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    ctx.addIssue({
      code: 'custom',
      message: `expected true/false, 1/0 or yes/no, got ${describeValue(raw)}`,
    });
    return z.NEVER;
  });
  return describeExpected(schema, 'true/false, 1/0 or yes/no');
}

/** A duration variable ("500ms", "30s", "5m", "4h", "1d") parsed to milliseconds. Add `.prefault('30s')` for a default. */
export function durationEnv(options: DurationSchemaOptions = {}) {
  return durationSchema(options);
}

const secretSchemas = new WeakSet<z.core.$ZodType>();

/**
 * A secret variable. parseEnv reads it from the file named by `<NAME>_FILE` when that is set
 * (a mounted Kubernetes or Docker secret; one trailing newline is dropped), else from `<NAME>`.
 * Setting both is an issue. Its value is never echoed in messages.
 */
export function secretEnv() {
  const schema = z.string().min(1);
  secretSchemas.add(schema);
  return schema;
}

function isSecret(schema: z.core.$ZodType): boolean {
  return schemaLayers(schema).some((layer) => secretSchemas.has(layer));
}

function readSecretFiles(
  shape: Readonly<Record<string, z.core.$ZodType>>,
  env: Env,
): { env: Record<string, string | undefined>; issues: ConfigIssue[] } {
  const resolved: Record<string, string | undefined> = { ...env };
  const issues: ConfigIssue[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    if (!isSecret(schema)) continue;
    const fileVariable = `${name}_FILE`;
    const file = env[fileVariable];
    if (file === undefined || file === '') continue;
    if (env[name] !== undefined) {
      issues.push({ path: name, message: `both ${name} and ${fileVariable} are set; unset one of them` });
      continue;
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code =
        typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
      issues.push({
        path: fileVariable,
        message: `cannot read the secret file ${JSON.stringify(file)} (${code}); check the path and its permissions`,
      });
    }
  }
  return { env: resolved, issues };
}

/**
 * Validates the environment against `schema` (a z.object over variable names) and returns the
 * typed result. Secrets declared with secretEnv() are read from `<NAME>_FILE` when set.
 * @throws ConfigError CONFIG_INVALID listing every bad variable by name.
 */
export function parseEnv<Schema extends z.ZodObject>(schema: Schema, env: Env): z.output<Schema> {
  const secrets = readSecretFiles(schema.shape, env);
  const result = schema.safeParse(secrets.env);
  const issues = [...secrets.issues];
  if (!result.success) {
    const shape: Readonly<Record<string, z.core.$ZodType | undefined>> = schema.shape;
    const mapped = mapZodIssues(result.error.issues, {
      schema,
      data: secrets.env,
      subject: 'env',
      isSecret: ([name]) => {
        const field = typeof name === 'string' ? shape[name] : undefined;
        return field !== undefined && isSecret(field);
      },
    });
    for (const issue of mapped) {
      const path = formatPath(issue.segments);
      if (!issues.some((existing) => existing.path === path || existing.path === `${path}_FILE`))
        issues.push({ path, message: issue.message });
    }
  }
  if (issues.length > 0 || !result.success)
    throw new ConfigError({ code: 'CONFIG_INVALID', issues, subject: 'environment' });
  return result.data;
}
