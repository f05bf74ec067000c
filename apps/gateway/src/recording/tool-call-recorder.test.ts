import { CapturingLogger } from '@fracta/logger';
import { describe, expect, it } from '@jest/globals';

import { type ToolCallRecord, ToolCallRecorder, type ToolCallSink } from './tool-call-recorder.js';

class MemorySink implements ToolCallSink {
  readonly batches: { agent: string; calls: readonly ToolCallRecord[] }[] = [];
  failing = false;

  recordToolCalls(agent: string, calls: readonly ToolCallRecord[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('control plane down'));
    this.batches.push({ agent, calls: [...calls] });
    return Promise.resolve();
  }
}

const call = (tool: string): ToolCallRecord => ({
  server: 'files',
  tool,
  outcome: 'success',
  duration_ms: 1,
});

function setup(maxQueued = 10_000) {
  const sink = new MemorySink();
  const logger = new CapturingLogger();
  let dropped = 0;
  const recorder = new ToolCallRecorder(sink, logger, {
    flushMs: 10_000,
    maxQueued,
    onDropped: (n) => (dropped += n),
  });
  return { sink, logger, recorder, dropped: () => dropped };
}

describe(ToolCallRecorder.name, () => {
  it('should send the queued calls in one batch per agent, in order, at most 500 per request', async () => {
    const { sink, recorder } = setup();
    for (let i = 0; i < 501; i += 1) recorder.record('alpha', call(`t${i}`));
    recorder.record('beta', call('b'));
    expect(sink.batches).toEqual([]); // off the hot path: nothing sent yet
    await recorder.flush();
    expect(sink.batches.map((batch) => [batch.agent, batch.calls.length])).toEqual([
      ['alpha', 500],
      ['alpha', 1],
      ['beta', 1],
    ]);
    expect(sink.batches[0]?.calls[0]?.tool).toBe('t0');
  });

  it('should log and drop a batch the control plane refuses, without throwing', async () => {
    const { sink, logger, recorder, dropped } = setup();
    sink.failing = true;
    recorder.record('alpha', call('x'));
    await recorder.flush();
    expect(dropped()).toBe(1);
    expect(logger.messages('warn')).toEqual(['tool calls not recorded']);
    sink.failing = false;
    recorder.record('alpha', call('y'));
    await recorder.flush();
    expect(sink.batches.map((batch) => batch.calls.map((c) => c.tool))).toEqual([['y']]);
  });

  it('should drop the oldest records when the queue is full', async () => {
    const { sink, recorder, dropped } = setup(3);
    for (const tool of ['a', 'b', 'c', 'd']) recorder.record('alpha', call(tool));
    await recorder.stop();
    expect(dropped()).toBe(1);
    expect(sink.batches[0]?.calls.map((c) => c.tool)).toEqual(['b', 'c', 'd']);
    recorder.record('alpha', call('late'));
    await recorder.flush();
    expect(sink.batches).toHaveLength(1);
  });
});
