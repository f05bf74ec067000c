// Small schemas shared by fracta.yaml and by the apps' environment schemas (STYLE.md §4.6).
import { z } from 'zod';

import { DURATION_HINT, tryParseDuration } from './duration.js';
import { describeValue } from './issue-messages.js';
import { describeExpected } from './schema-introspection.js';

/** Log levels, lowest first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A log level: trace, debug, info, warn or error. */
export const logLevelSchema = z.enum(LOG_LEVELS);

export interface DurationSchemaOptions {
  /** Reject "0" (for intervals and timeouts, where zero would spin or expire at once). */
  readonly positive?: boolean;
}

/** A duration string ("500ms", "30s", "5m", "4h", "1d", "1h30m") parsed to milliseconds. */
export function durationSchema(options: DurationSchemaOptions = {}) {
  const schema = z.string().transform((text, ctx) => {
    const ms = tryParseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration, got ${describeValue(text)} (${DURATION_HINT})`,
      });
      return z.NEVER;
    }
    if (options.positive === true && ms === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be longer than 0, got ${describeValue(text)} (e.g. "30s")`,
      });
      return z.NEVER;
    }
    return ms;
  });
  return describeExpected(schema, 'a duration', (value) =>
    typeof value === 'number' ? `(add a unit, e.g. "${value}s" or "${value}m")` : `(${DURATION_HINT})`,
  );
}

/** Host and port of a listen address, as parsed by parseListenAddress. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const LISTEN_PATTERN = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

/** Splits "127.0.0.1:8080" or "[::1]:8080" into host and port; undefined when malformed. */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = LISTEN_PATTERN.exec(text);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** A "host:port" listen address. The host is required: write "0.0.0.0:<port>" to listen on every interface. */
export const listenAddressSchema = describeExpected(
  z.string().superRefine((text, ctx) => {
    if (parseListenAddress(text) === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected host:port like "127.0.0.1:8080", got ${describeValue(text)} (write "0.0.0.0:<port>" to listen on every interface)`,
      });
    }
  }),
  'host:port like "127.0.0.1:8080"',
);

/** Hides the password of a URL (`postgres://app:***@db/fracta`) so it can appear in a message. */
export function redactUrlPassword(text: string): string {
  if (!URL.canParse(text)) return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  const url = new URL(text);
  if (url.password === '') return text;
  url.password = '***';
  return url.toString();
}

/** A URL whose scheme is one of `protocols` (without "://"); `example` is shown in the error. */
export function urlSchema(protocols: readonly string[], example: string) {
  const schemes = protocols.map((protocol) => `${protocol}://`).join(' or ');
  const expected = `a URL starting with ${schemes}, like "${example}"`;
  return describeExpected(
    z.string().superRefine((text, ctx) => {
      const url = URL.canParse(text) ? new URL(text) : undefined;
      if (url === undefined || !protocols.includes(url.protocol.slice(0, -1)) || url.host === '') {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${expected}, got ${describeValue(redactUrlPassword(text))}`,
        });
      }
    }),
    expected,
  );
}

/** A name like an agent's: a letter or digit, then up to 63 letters, digits, "_" or "-". */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;

/** A key naming something (an MCP server, a credential profile) that must match NAME_PATTERN. */
export const nameKeySchema = z.string().refine((name) => NAME_PATTERN.test(name), {
  error: 'use 1 to 64 letters, digits, "_" or "-", starting with a letter or digit',
});

/** An environment variable name: letters, digits and "_", not starting with a digit. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A map of environment variables to values (values must be strings; quote numbers). */
export function envMapSchema() {
  const key = z.string().refine((name) => ENV_NAME_PATTERN.test(name), {
    error: 'environment variable names use letters, digits and "_", and do not start with a digit',
  });
  return z.record(key, z.string()).default(() => ({}));
}

/** A list of strings, empty by default. */
export function stringListSchema() {
  return z.array(z.string()).default(() => []);
}
