/**
 * Runs the host MCP server on this process's stdin/stdout until the client closes stdin (or a
 * SIGINT/SIGTERM). stdout belongs to MCP: every other line goes to stderr, which the host CLIs
 * keep in their MCP logs.
 */
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';

import { FleetConnection } from './fleet-connection.js';
import { createHostServer } from './host-server.js';

export interface ServeOptions {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
}

function logLine(line: string): void {
  process.stderr.write(`fracta serve: ${line}\n`);
}

export async function serveOnStdio(options: ServeOptions): Promise<void> {
  const fleet = new FleetConnection(options.dir, options.env, logLine);
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const handle = serveStdio(() => createHostServer(fleet, options.version), {
    transport: new StdioServerTransport(process.stdin, process.stdout),
    onerror: (error) => {
      logLine(`MCP error: ${error.message}`);
    },
  });
  logLine(`serving ${options.dir} over MCP on stdio`);
  await closed;
  await handle.close();
}
