// The pino adapter of the Logger port: JSON lines, level filter, secret redaction, err serializer.
import { pino, type DestinationStream, type Logger as Pino } from 'pino';

import { type LogFields, Logger, type LogLevel } from './logger.js';

/** Replaces every redacted value. */
export const REDACTED = '[redacted]';

/** Field names whose values are secrets wherever they appear (top level and two levels down). */
const SECRET_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'bearer',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'clientSecret',
  'client_secret',
  'apiKey',
  'api_key',
  'privateKey',
  'private_key',
  'authorization',
  'Authorization',
  'cookie',
  'credentials',
  'connectionString',
  'databaseUrl',
  'database_url',
  'dsn',
] as const;

/** HTTP headers that carry credentials (Node lower-cases incoming header names). */
const SECRET_HEADERS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
] as const;

/**
 * Redaction paths applied by default (pino/@pinojs/redact syntax). Environment maps (`env`) are
 * redacted value by value, because agents' environments hold API keys under arbitrary names; the
 * variable names stay visible.
 */
export const DEFAULT_REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  ...SECRET_HEADERS.flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`]),
  'env.*',
  '*.env.*',
];

export interface PinoLoggerOptions {
  /** Lowest level written; 'silent' writes nothing. */
  readonly level: LogLevel | 'silent';
  /** Written as `name` on every line (e.g. the app name). */
  readonly name?: string;
  /** Where JSON lines go (any stream with `write`); default: stdout. */
  readonly destination?: DestinationStream;
  /** Extra paths to redact, added to DEFAULT_REDACT_PATHS. */
  readonly redact?: readonly string[];
}

const pinoOf = new WeakMap<Logger, Pino>();

class PinoLogger extends Logger {
  readonly #pino: Pino;

  constructor(instance: Pino) {
    super();
    this.#pino = instance;
    pinoOf.set(this, instance);
  }

  trace(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#pino.trace(msg);
    else this.#pino.trace(fields, msg);
  }
  debug(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#pino.debug(msg);
    else this.#pino.debug(fields, msg);
  }
  info(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#pino.info(msg);
    else this.#pino.info(fields, msg);
  }
  warn(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#pino.warn(msg);
    else this.#pino.warn(fields, msg);
  }
  error(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#pino.error(msg);
    else this.#pino.error(fields, msg);
  }
  child(fields: LogFields): Logger {
    return new PinoLogger(this.#pino.child(fields));
  }
}

/**
 * A Logger writing one JSON object per line through pino, with secrets redacted as "[redacted]"
 * and errors given as `err` (or `error`) serialized with their type, message and stack.
 */
export function createPinoLogger(options: PinoLoggerOptions): Logger {
  const settings = {
    level: options.level,
    ...(options.name === undefined ? {} : { name: options.name }),
    redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redact ?? [])], censor: REDACTED },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  // Without a destination, pino's own default: stdout.
  const instance = options.destination === undefined ? pino(settings) : pino(settings, options.destination);
  return new PinoLogger(instance);
}

/**
 * The pino instance behind a logger made by createPinoLogger (or one of its children), for
 * libraries that need pino itself (nestjs-pino, Fastify).
 * @throws TypeError when the logger is not pino-backed.
 */
export function toPino(logger: Logger): Pino {
  const instance = pinoOf.get(logger);
  if (instance === undefined) throw new TypeError('toPino: this logger was not made by createPinoLogger');
  return instance;
}
