import { spawn } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { followFile, tail } from '../../src/index.js';

describe('followFile and tail on real files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-tail-procs-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should see what another process appends, in order, until aborted', async () => {
    const path = join(dir, 'agent-stdout.txt');
    const script = `
      const { appendFileSync } = require('node:fs');
      let i = 0;
      const timer = setInterval(() => {
        appendFileSync(process.argv[1], 'line ' + i + '\\n');
        if (++i === 50) clearInterval(timer);
      }, 5);`;
    const child = spawn(process.execPath, ['-e', script, path], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const controller = new AbortController();
    let text = '';
    const started = Date.now();

    for await (const chunk of followFile(path, { signal: controller.signal, pollMs: 1_000 })) {
      text += chunk.data.toString();
      if (text.endsWith('line 49\n')) controller.abort();
    }

    expect(await exited).toBe(0);
    expect(text).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''));
    // fs.watch woke the reader: waiting on the 1 s poll after each append would take far longer.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('should tail a 50 MB file quickly, reading only its end', async () => {
    const path = join(dir, 'big.txt');
    const line = `${'x'.repeat(90)}\n`;
    const block = Buffer.from(line.repeat(10_000));
    const handle = await open(path, 'w');
    for (let written = 0; written < 50 * 1024 * 1024; written += block.length) await handle.write(block);
    await handle.write('second to last\nlast line\n');
    await handle.close();

    const started = performance.now();
    const lines = await tail(path, { lines: 100 });
    const bytes = await tail(path, { bytes: 10 });
    const elapsed = performance.now() - started;

    expect(lines.split('\n').slice(-3)).toEqual(['second to last', 'last line', '']);
    expect(lines.split('\n')).toHaveLength(101);
    expect(bytes).toBe('last line\n');
    expect(elapsed).toBeLessThan(250);
  });

  it('should tail a file that has no newline at all', async () => {
    const path = join(dir, 'one-line.txt');
    await writeFile(path, 'z'.repeat(200_000));

    expect(await tail(path, { lines: 3 })).toHaveLength(200_000);
  });
});
