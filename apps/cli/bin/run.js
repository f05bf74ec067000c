#!/usr/bin/env node
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `fracta: needs Node.js 24 or newer, this is ${process.version}: install Node 24 (or run 'source scripts/toolchain.sh' in a fracta checkout)\n`,
  );
  process.exit(2);
}
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
