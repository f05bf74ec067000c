import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const distIndex = new URL('../../dist/index.js', import.meta.url);

export function requireDist(): void {
  if (!existsSync(distIndex))
    throw new Error('dist/ is missing: run `pnpm build` in packages/run-records first');
}

export interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  /** The next line the worker prints. */
  readonly next: () => Promise<string>;
  readonly exited: Promise<number | null>;
}

/** Starts a fixture from test/fixtures in its own Node process. */
export function startFixture(name: string, args: readonly string[]): Worker {
  const child = spawn(process.execPath, [
    join(import.meta.dirname, '../fixtures', name),
    distIndex.href,
    ...args,
  ]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const iterator = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const result = await iterator.next();
    if (result.done) throw new Error(`${name} ended early (exit ${String(await exited)}): ${stderr}`);
    return result.value;
  };
  return { child, next, exited };
}

/** Waits for every worker to print "ready", then starts them together. */
export async function startTogether(workers: readonly Worker[]): Promise<void> {
  for (const worker of workers)
    if ((await worker.next()) !== 'ready') throw new Error('worker did not get ready');
  for (const worker of workers) worker.child.stdin.write('go\n');
}
