/**
 * The pinned MCP Inspector CLI (@modelcontextprotocol/inspector) against the built
 * `fracta serve`, started by the Inspector over stdio with the README's command line
 * (`--transport stdio fracta serve`, `fracta` on PATH): the client people check a server with.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { type Result } from './support/fracta-cli.js';
import { createProject, fractaOnPath, type Project } from './support/serve-harness.js';

const require = createRequire(import.meta.url);

/** The `mcp-inspector` executable the pinned package declares. */
function inspectorBin(): string {
  const manifestPath = require.resolve('@modelcontextprotocol/inspector/package.json');
  const manifest = require(manifestPath) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin['mcp-inspector'] ?? '');
}

describe('the MCP Inspector CLI on fracta serve', () => {
  let project: Project;
  let home: string;
  let path: string;

  /** `mcp-inspector --cli --transport stdio fracta serve <args>`, in the project. */
  function inspector(args: readonly string[]): Promise<Result> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [inspectorBin(), '--cli', '--transport', 'stdio', 'fracta', 'serve', ...args],
        {
          cwd: project.dir,
          // Its catalog and auth store go to ~/.mcp-inspector: a temp HOME keeps them in the test.
          env: { PATH: path, HOME: home },
          timeout: 45_000,
        },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
        },
      );
    });
  }

  beforeAll(async () => {
    project = await createProject('serve-inspector');
    home = join(project.root, 'home');
    await mkdir(home);
    path = `${await fractaOnPath(project.root)}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  });

  afterAll(async () => {
    await project.dispose();
  });

  it('should list the nine tools, with no portability errors in their schemas', async () => {
    const listed = await inspector(['--method', 'tools/list', '--strict']);

    expect({ code: listed.code, stderr: listed.stderr.slice(-2_000) }).toEqual({
      code: 0,
      stderr: expect.any(String) as unknown,
    });
    const { tools } = JSON.parse(listed.stdout) as { tools: { name: string; inputSchema: object }[] };
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'fracta_init',
      'fracta_kill',
      'fracta_list',
      'fracta_logs',
      'fracta_merge',
      'fracta_peek',
      'fracta_say',
      'fracta_spawn',
      'fracta_watch_events',
    ]);
    // --strict reports every problem; only the output schemas' nullable fields draw warnings.
    expect(listed.stderr).not.toMatch(/^Error:/m);
    expect(listed.stderr).not.toMatch(/Path: inputSchema/);
    // Listing tools needs no control plane.
    expect(existsSync(join(project.dir, '.fracta', 'controlplane.pid'))).toBe(false);
  });

  it('should call fracta_list, starting the control plane, and report tool errors with exit 5', async () => {
    const listed = await inspector(['--method', 'tools/call', '--tool-name', 'fracta_list']);

    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({
      content: [{ type: 'text', text: 'no agents' }],
      structuredContent: { agents: [], more: false },
    });
    expect(listed.stderr).toContain('fracta serve: starting the control plane');

    const filtered = await inspector([
      '--method',
      'tools/call',
      '--tool-name',
      'fracta_list',
      '--tool-args-json',
      '{"status":["running"],"runtime":["command"],"limit":5}',
    ]);
    expect(filtered.code).toBe(0);
    expect(JSON.parse(filtered.stdout)).toMatchObject({ structuredContent: { agents: [] } });
    expect(filtered.stderr).not.toContain('starting the control plane');

    const refused = await inspector([
      '--method',
      'tools/call',
      '--tool-name',
      'fracta_peek',
      '--tool-args-json',
      '{"name":"nobody"}',
    ]);
    expect(refused.code).toBe(5);
    expect(JSON.parse(refused.stdout)).toEqual({
      content: [{ type: 'text', text: `agent "nobody" not found: run 'fracta list' to see the agents` }],
      isError: true,
    });
  });
});
