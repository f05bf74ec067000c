/** The backend MCP servers of the tests: the stdio fixture (as fracta.yaml entries) and the streamable-HTTP fixture (a child process). */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { waitFor } from './processes.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const STDIO_BACKEND = join(fixtures, 'stdio-backend.mjs');
const HTTP_BACKEND = join(fixtures, 'http-backend.mjs');

/** fracta.yaml lines for a stdio backend named `name`, counting its starts in `startsFile`. */
export function stdioBackendYaml(
  name: string,
  startsFile: string,
  extra: { env?: Record<string, string>; policy?: string } = {},
): string {
  const env = { FIXTURE_LABEL: name, FIXTURE_STARTS_FILE: startsFile, ...extra.env };
  return [
    `  ${name}:`,
    '    transport: stdio',
    `    command: ${JSON.stringify(process.execPath)}`,
    `    args: [${JSON.stringify(STDIO_BACKEND)}]`,
    '    env:',
    ...Object.entries(env).map(([key, value]) => `      ${key}: ${JSON.stringify(value)}`),
    ...(extra.policy === undefined ? [] : [`    tool_policy: ${extra.policy}`]),
  ].join('\n');
}

/** How many times the stdio fixture writing to `startsFile` was started. */
export async function startsOf(startsFile: string): Promise<number> {
  const text = await readFile(startsFile, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').length;
}

export interface HttpBackend {
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

/** The streamable-HTTP fixture on a free port (or `port`). */
export async function startHttpBackend(label: string, port = 0): Promise<HttpBackend> {
  const child: ChildProcess = spawn(process.execPath, [HTTP_BACKEND, String(port)], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', FIXTURE_LABEL: label },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('"port"'), `the HTTP backend ${label} to listen`);
  const { port: bound } = JSON.parse(output.split('\n')[0] ?? '{}') as { port: number };
  return {
    url: `http://127.0.0.1:${bound}/mcp`,
    pid: child.pid ?? 0,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
