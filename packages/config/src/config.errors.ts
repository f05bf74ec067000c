import { basename } from 'node:path';

/** What went wrong while loading configuration. */
export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND' | 'CONFIG_UNREADABLE';

/** Error categories as in STYLE.md §4.7, so edges can map a ConfigError like any domain error. */
export type ConfigErrorCategory = 'invalid' | 'not_found';

/** One problem in a config file or in the environment. */
export interface ConfigIssue {
  /** Dotted key path (`reaper.max_concurrent`, `agents.agent_runtimes.claude.args[1]`), a variable name, or '' for the whole file. */
  readonly path: string;
  /** What is wrong, and how to fix it. */
  readonly message: string;
  /** 1-based line of the offending key in the file, when known. */
  readonly line?: number;
  /** 1-based column of the offending key in the file, when known. */
  readonly column?: number;
}

export interface ConfigErrorOptions {
  readonly code: ConfigErrorCode;
  readonly issues: readonly ConfigIssue[];
  /** The config file the issues are about; absent for environment variables. */
  readonly file?: string | undefined;
  /** What the issues are about when there is no file (e.g. "environment"). */
  readonly subject?: string;
  readonly cause?: unknown;
}

/**
 * Configuration could not be loaded. `message` is a complete, multi-line report meant to be
 * printed as is; `issues` holds the same problems as data.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly category: ConfigErrorCategory;
  readonly issues: readonly ConfigIssue[];
  readonly file: string | undefined;

  constructor(options: ConfigErrorOptions) {
    super(formatReport(options), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.category = options.code === 'CONFIG_NOT_FOUND' ? 'not_found' : 'invalid';
    this.issues = options.issues;
    this.file = options.file;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function formatReport({ code, issues, file, subject }: ConfigErrorOptions): string {
  const where = file ?? subject ?? 'configuration';
  if (code !== 'CONFIG_INVALID') {
    return [where, ...issues.map((issue) => issue.message)].join(': ');
  }
  const header =
    file === undefined
      ? `${where}: ${plural(issues.length, 'problem')}`
      : `${file}: ${plural(issues.length, 'problem')} in ${basename(file)}`;
  const lines = issues.map((issue) => {
    const location =
      file === undefined
        ? ''
        : issue.line === undefined
          ? `${file} `
          : `${file}:${issue.line}:${issue.column ?? 1} `;
    const subjectPath = issue.path === '' ? '' : `${issue.path}: `;
    return `  ${location}${subjectPath}${issue.message}`;
  });
  return [header, ...lines].join('\n');
}
