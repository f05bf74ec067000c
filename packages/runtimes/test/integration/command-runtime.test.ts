import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { getRuntimeAdapter, MODEL_ENV, PROMPT_ENV } from '../../src/index.js';

import { type AgentSandbox, createSandbox, runAgent } from './agent-process.js';

const adapter = getRuntimeAdapter('command');

// A small agent: says what it got, reads stdin (which must be empty), fails on request.
const SCRIPT = `#!/bin/sh
echo "prompt: $${PROMPT_ENV}"
echo "model: \${${MODEL_ENV}:-none}"
echo "args: $*"
echo "stdin: $(cat | wc -c) bytes"
echo "cwd: $(pwd)"
if [ "$1" = "--fail" ]; then
  echo "agent.sh: disk full" >&2
  exit 3
fi
echo "done"
`;

describe('command runtime with a real program', () => {
  let sandbox: AgentSandbox;
  let script: string;

  beforeEach(async () => {
    sandbox = await createSandbox('command');
    script = join(sandbox.root, 'agent.sh');
    await writeFile(script, SCRIPT);
    await chmod(script, 0o755);
  });

  afterEach(async () => {
    await sandbox.dispose();
  });

  it('should pass the prompt and model in the env, the args untouched, and succeed with the output tail', async () => {
    const line = adapter.batchCommand({
      prompt: 'it\'s "quoted" $HOME',
      workspace: { path: sandbox.workdir, kind: 'directory' },
      model: 'local-model',
      binary: script,
      extraArgs: ['--mode', 'batch', '--', '-x'],
    });

    const run = await runAgent(adapter, line, { cwd: sandbox.workdir, env: { HOME: sandbox.home } });

    expect(run.outcome).toEqual({
      status: 'succeeded',
      finalText: [
        'prompt: it\'s "quoted" $HOME',
        'model: local-model',
        'args: --mode batch -- -x',
        'stdin: 0 bytes',
        `cwd: ${sandbox.workdir}`,
        'done',
      ].join('\n'),
      resumeToken: null,
      usage: null,
    });
    expect(run.events).toEqual(expect.arrayContaining([{ kind: 'text', text: 'model: local-model' }]));
  });

  it('should fail a non-zero exit, quoting its stderr', async () => {
    const line = adapter.batchCommand({
      prompt: 'go',
      workspace: { path: sandbox.workdir, kind: 'directory' },
      binary: script,
      extraArgs: ['--fail'],
    });

    const run = await runAgent(adapter, line, { cwd: sandbox.workdir, env: { HOME: sandbox.home } });

    expect(run.exitCode).toBe(3);
    expect(run.outcome).toMatchObject({
      status: 'failed',
      error: 'command exited 3 after reporting a result: agent.sh: disk full',
    });
    expect(run.outcome.finalText).toContain('model: none');
  });

  it('should fail a program killed by a signal', async () => {
    const line = adapter.batchCommand({
      prompt: 'go',
      workspace: { path: sandbox.workdir, kind: 'directory' },
      binary: '/bin/sh',
      extraArgs: ['-c', 'echo started; kill -TERM $$'],
    });

    const run = await runAgent(adapter, line, { cwd: sandbox.workdir, env: { HOME: sandbox.home } });

    expect(run.signal).toBe('SIGTERM');
    expect(run.outcome).toMatchObject({
      status: 'failed',
      finalText: 'started',
      error: 'command was killed by SIGTERM after reporting a result',
    });
  });
});
