/**
 * Reading what an agent printed: `peek` (a quick look: status, intent, last output, the tail of the
 * current run's stdout and stderr) and `logs` (the tail of a run's stdout or stderr, optionally
 * followed until the run ends).
 */
import { open, stat } from 'node:fs/promises';

import { AgentRepository, RunRepository, type Agent, type Run } from '@fracta/domain';
import { followFile, RunRecords, tail } from '@fracta/run-records';
import { Injectable } from '@nestjs/common';

export interface PeekResult {
  readonly agent: Agent;
  readonly run: Run | null;
  readonly stdoutTail: string;
  readonly stderrTail: string;
}

const PEEK_LINES = 40;
const FOLLOW_POLL_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function* readFrom(path: string, offset: number): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return;
  }
  try {
    let position = offset;
    for (;;) {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function tailOrEmpty(path: string, lines: number): Promise<string> {
  try {
    return await tail(path, { lines });
  } catch {
    return '';
  }
}

@Injectable()
export class AgentOutputService {
  constructor(
    private readonly agents: AgentRepository,
    private readonly runs: RunRepository,
    private readonly records: RunRecords,
  ) {}

  async peek(name: string): Promise<PeekResult> {
    const agent = await this.agents.get(name);
    const run = await this.currentRun(agent);
    if (run === null) return { agent, run, stdoutTail: '', stderrTail: '' };
    const paths = this.records.runPaths(name, run.id);
    const [stdoutTail, stderrTail] = await Promise.all([
      tailOrEmpty(paths.stdout, PEEK_LINES),
      tailOrEmpty(paths.stderr, 10),
    ]);
    return { agent, run, stdoutTail, stderrTail };
  }

  /**
   * The last `lines` lines of the current run's stdout or stderr ('' before the first run), and the
   * file size they were read at (where a follow starts).
   */
  async logs(
    name: string,
    options: { lines: number; stream: 'stdout' | 'stderr' },
  ): Promise<{ run: Run | null; text: string; size: number }> {
    const agent = await this.agents.get(name);
    const run = await this.currentRun(agent);
    if (run === null) return { run, text: '', size: 0 };
    const paths = this.records.runPaths(name, run.id);
    const path = options.stream === 'stdout' ? paths.stdout : paths.stderr;
    const size = await stat(path).then(
      (info) => info.size,
      () => 0,
    );
    const text = size === 0 ? '' : await tailOrEmpty(path, options.lines);
    // A follow starts at `size`: bytes appended between the stat and the tail may show twice.
    return { run, text, size };
  }

  /**
   * Streams what the run appends after `fromOffset` until it ends (then the rest of the file) or
   * `signal` aborts.
   */
  async *follow(
    name: string,
    run: Run,
    stream: 'stdout' | 'stderr',
    fromOffset: number,
    signal: AbortSignal,
  ): AsyncGenerator<Buffer> {
    const paths = this.records.runPaths(name, run.id);
    const path = stream === 'stdout' ? paths.stdout : paths.stderr;
    const stop = new AbortController();
    const onAbort = () => {
      stop.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const watcher = this.watchEnd(run.id, stop);
    let offset = fromOffset;
    try {
      for await (const chunk of followFile(path, {
        fromOffset,
        signal: stop.signal,
        pollMs: FOLLOW_POLL_MS,
      })) {
        offset = chunk.end;
        yield chunk.data;
      }
      if (signal.aborted) return;
      // The run ended: what it wrote after the last poll.
      for await (const chunk of readFrom(path, offset)) yield chunk;
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop.abort();
      await watcher;
    }
  }

  /** Aborts `stop` once the run is no longer running. */
  private async watchEnd(runId: string, stop: AbortController): Promise<void> {
    while (!stop.signal.aborted) {
      await sleep(FOLLOW_POLL_MS);
      const run = await this.runs.get(runId).catch(() => null);
      if (run?.status !== 'running') stop.abort();
    }
  }

  private async currentRun(agent: Agent): Promise<Run | null> {
    if (agent.currentRunId !== null) return this.runs.get(agent.currentRunId).catch(() => null);
    return (await this.runs.listForAgent(agent.name)).at(-1) ?? null;
  }
}
