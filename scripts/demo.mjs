// The main job on the embedded default, for real: a git repository scaffolded with
// `fracta init --scaffold local`, its local control plane (SQLite, in-process queue), one agent
// (the command runtime, so no model account is needed) that commits a file in its own worktree,
// a merge, and the fleet and event log. The control plane keeps running afterwards.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [project] = process.argv.slice(2);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'fracta');
const identity = {
  GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'fracta demo',
  GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'demo@fracta.invalid',
  GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'fracta demo',
  GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'demo@fracta.invalid',
};
const env = { ...process.env, ...identity };

function sh(file, args, options = {}) {
  return execFileSync(file, args, {
    cwd: project,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    ...options,
  });
}
function fracta(...args) {
  const out = sh(cli, args);
  process.stdout.write(out.replace(/^(?=.)/gm, '    '));
  return out;
}

console.log(`==> demo repository: ${project}`);
if (!existsSync(join(project, '.git'))) {
  mkdirSync(project, { recursive: true });
  sh('git', ['init', '-q', '-b', 'main']);
  writeFileSync(join(project, 'README.md'), '# fracta demo\n');
  sh('git', ['add', 'README.md']);
  sh('git', ['commit', '-q', '-m', 'initial']);
}
if (!existsSync(join(project, 'fracta.yaml'))) {
  console.log('==> fracta init --scaffold local');
  fracta('init', '--scaffold', 'local');
  sh('git', ['add', '-A']);
  sh('git', ['commit', '-q', '-m', 'fracta init --scaffold local']);
}

console.log('==> fracta controlplane start');
fracta('controlplane', 'start');

const task = `hello-${Date.now().toString(36)}`;
console.log(`==> fracta spawn --task ${task} --runtime command -- sh -c '…writes and commits hello.txt…'`);
fracta(
  'spawn',
  '--task',
  task,
  '--runtime',
  'command',
  '--',
  'sh',
  '-c',
  `echo "hello from agent ${task}" >> hello.txt && git add hello.txt && git commit -q -m "${task}: say hello" && echo "committed hello.txt on $(git branch --show-current)"`,
);
let agent;
for (let i = 0; i < 100; i++) {
  agent = JSON.parse(sh(cli, ['list', '--json'])).find((a) => a.name === task);
  if (agent && !['queued', 'running'].includes(agent.status)) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.log(`==> ${task} ended ${agent?.status}: ${agent?.last_output ?? agent?.failure_reason ?? ''}`);
if (agent?.status !== 'completed') process.exit(1);

console.log(`==> fracta merge ${task}`);
fracta('merge', task);
console.log(
  `    hello.txt on main: ${readFileSync(join(project, 'hello.txt'), 'utf8').trim().split('\n').at(-1)}`,
);
console.log(`==> fracta kill ${task}   (removes its worktree and branch; the record stays)`);
fracta('kill', task);
console.log('==> fracta list');
fracta('list');

console.log(`
The control plane keeps running (state: ${join(project, '.fracta', 'state.db')}).
Try the next commands (put the CLI on PATH first):

  export PATH="${join(root, 'bin')}:$PATH"; cd ${project}
  fracta spawn --task fix-readme --prompt "Improve README.md"    # Claude Code (needs claude and a key)
  fracta logs fix-readme --follow
  fracta merge fix-readme

Stop it with: fracta controlplane stop
`);
