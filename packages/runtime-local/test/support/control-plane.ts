// Runs test/fixtures/control-plane.mjs: a separate control plane process that starts one agent
// with the built backend (dist/) and prints its handle id.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { type LocalProcessSpec } from '../../src/index.js';

const fixture = fileURLToPath(new URL('../fixtures/control-plane.mjs', import.meta.url));
const distIndex = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const buildInfo = fileURLToPath(new URL('../../dist/tsconfig.tsbuildinfo', import.meta.url));
const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));

/** The fixture runs dist/: fail clearly when it is missing or older than the sources. */
export async function assertBuilt(): Promise<void> {
  // tsc -b rewrites its build info on every build, and only writes the outputs that changed
  const built = (await stat(distIndex).catch(() => null)) && (await stat(buildInfo).catch(() => null));
  const sources = (await readdir(srcDir)).filter(
    (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
  );
  const newest = Math.max(
    ...(await Promise.all(sources.map(async (name) => (await stat(srcDir + name)).mtimeMs))),
  );
  if (built === null || built.mtimeMs < newest) {
    throw new Error('dist/ is missing or older than src/: run `pnpm build` in packages/runtime-local first');
  }
}

export interface ControlPlane {
  readonly pid: number;
  /** The handle id the control plane printed. */
  readonly handleId: string;
  /** SIGKILLs the control plane (no cleanup runs) and waits until it is gone. */
  kill(): Promise<void>;
  /** Resolves with the control plane's exit code when it ends by itself. */
  readonly exited: Promise<number | null>;
}

export async function startControlPlane(
  stateDir: string,
  spec: LocalProcessSpec,
  mode: 'idle' | 'exit' = 'idle',
): Promise<ControlPlane> {
  const child = spawn(
    process.execPath,
    [fixture, stateDir, JSON.stringify(spec), ...(mode === 'exit' ? ['--exit'] : [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const handleId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`control plane printed no handle within 10 s: ${stderr}`));
    }, 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(stdout.slice(0, stdout.indexOf('\n')));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`control plane exited (${code}) before printing a handle: ${stderr}`));
    });
  });
  return {
    pid: child.pid!,
    handleId,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
