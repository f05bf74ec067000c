import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { scaffold, SCAFFOLD_MODES, type ScaffoldMode } from '../lib/scaffold.js';
import { hostSetupGuide } from '../lib/serve/host-setup.js';

export default class Init extends BaseCommand {
  static override summary = 'Set up fracta in this repository';
  static override description = [
    'local (the default): writes fracta.yaml (commented; works as is), deployment/auth-helpers/README.md,',
    'and adds .fracta/ and .worktrees/ to .gitignore.',
    '',
    'docker-compose (team mode): writes fracta.yaml as a thin client of http://127.0.0.1:19090 and',
    'deployment/ with docker-compose.yml (postgres, controlplane, gateway), configs/, auth-helpers/ and',
    '.env.example (deployment/.gitignore keeps the .env made from it out of git), and adds .fracta/',
    'to .gitignore.',
    '',
    'Existing files are kept. A project is scaffolded for one mode; re-scaffolding it as another is',
    'refused with what to do instead.',
    '',
    'Next: fracta spawn --task hello --prompt "Say hello" and fracta list, or add fracta serve to',
    'your AI CLI (fracta serve --help shows how for Claude Code, Codex and OpenCode).',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> init --scaffold local',
    '<%= config.bin %> init --scaffold docker-compose',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    scaffold: Flags.string({
      description: 'deployment mode',
      options: [...SCAFFOLD_MODES],
      default: 'local',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Init);
    const root = process.cwd();
    const result = await scaffold(root, flags.scaffold as ScaffoldMode);
    for (const file of result.written) this.log(`wrote ${file}`);
    for (const file of result.kept) this.log(`kept  ${file} (already there)`);
    this.log(`\nfracta is set up here (${result.mode} mode). Next:`);
    if (result.mode === 'docker-compose') {
      this.log(
        '  cp deployment/.env.example deployment/.env   # then set FRACTA_TOKEN and POSTGRES_PASSWORD in it',
      );
      this.log('  docker compose -f deployment/docker-compose.yml up -d   # images: deployment/README.md');
      this.log('  export FRACTA_TOKEN=...                       # the token in deployment/.env');
    }
    this.log('  fracta spawn --task hello --prompt "Say hello in README.md"');
    this.log('  fracta list');
    this.log('  fracta logs hello --follow');
    this.log('\nOr drive the fleet from your own AI CLI: add `fracta serve` as its MCP server.');
    for (const line of hostSetupGuide('    ')) this.log(line.startsWith(' ') ? line : `  ${line}`);
    return result;
  }
}
