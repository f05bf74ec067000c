import { resolve } from 'node:path';

import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { hostSetupGuide } from '../lib/serve/host-setup.js';
import { serveOnStdio } from '../lib/serve/stdio-host.js';

export default class Serve extends BaseCommand {
  static override summary = 'Serve fracta to your own AI CLI over MCP (stdio)';
  static override description = [
    'An MCP server on stdin/stdout for Claude Code, Codex, OpenCode or any MCP client: your host',
    'agent drives the fleet with the tools fracta_spawn, fracta_list, fracta_peek, fracta_logs,',
    'fracta_say, fracta_kill, fracta_merge, fracta_watch_events (a bounded wait) and fracta_init.',
    'It is a thin client of the control plane of the project it runs in (nearest fracta.yaml) and',
    'starts the local one when it is down, like every other command. stdout carries MCP messages',
    'only; progress goes to stderr. Your AI CLI starts it: you do not run it yourself.',
    '',
    'Add it to your AI CLI (fracta must be on PATH; else use node /path/to/fracta/apps/cli/bin/run.js serve):',
    '',
    ...hostSetupGuide(),
  ].join('\n');
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --project-dir ~/src/my-app',
    'npx @modelcontextprotocol/inspector@2.12.0 --cli --transport stdio <%= config.bin %> serve --method tools/list',
  ];
  static override flags = {
    'project-dir': Flags.string({
      char: 'C',
      description: 'the project to serve (default: the directory the AI CLI starts it in)',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    const dir = resolve(flags['project-dir'] ?? process.cwd());
    await serveOnStdio({ dir, env: process.env, version: this.config.version });
  }
}
