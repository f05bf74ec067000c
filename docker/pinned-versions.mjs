// Reads the versions the images pin from the repository itself, so they cannot drift from it:
// pnpm from package.json's packageManager, turbo and the agent CLIs from the pnpm catalog
// (pnpm-workspace.yaml). Writes into the folder given as the argument:
//   build-tools.txt           "pnpm@<v> turbo@<v>", for npm install -g
//   agent-clis/package.json   the three agent CLIs at their catalog versions
// The Dockerfiles copy these files out of a small stage, so the layers that install them are
// rebuilt only when one of these versions changes (the legacy builder keys COPY on content).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (!out) throw new Error('usage: node pinned-versions.mjs OUT_DIR');

const pnpm = /^pnpm@(\S+)$/.exec(JSON.parse(readFileSync('package.json', 'utf8')).packageManager ?? '')?.[1];
if (!pnpm) throw new Error('package.json has no "packageManager": "pnpm@<version>"');

const catalog = new Map();
let inCatalog = false;
for (const line of readFileSync('pnpm-workspace.yaml', 'utf8').split('\n')) {
  if (/^\S/.test(line)) inCatalog = /^catalog:\s*$/.test(line);
  const entry = inCatalog && /^\s+'?([^':\s]+)'?:\s*'?([^'\s#]+)'?/.exec(line);
  if (entry) catalog.set(entry[1], entry[2]);
}
function pinned(name) {
  const version = catalog.get(name);
  if (!version) throw new Error(`${name} is not in the pnpm catalog (pnpm-workspace.yaml)`);
  return version;
}

const agentClis = ['@anthropic-ai/claude-code', '@openai/codex', 'opencode-ai'];
mkdirSync(join(out, 'agent-clis'), { recursive: true });
writeFileSync(join(out, 'build-tools.txt'), `pnpm@${pnpm} turbo@${pinned('turbo')}\n`);
writeFileSync(
  join(out, 'agent-clis', 'package.json'),
  JSON.stringify(
    {
      name: 'fracta-agent-clis',
      private: true,
      description: 'The agent CLIs of the control plane image, at the pnpm catalog versions',
      dependencies: Object.fromEntries(agentClis.map((name) => [name, pinned(name)])),
    },
    null,
    2,
  ) + '\n',
);
