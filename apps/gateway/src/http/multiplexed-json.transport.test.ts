import { describe, expect, it } from '@jest/globals';
import { type JSONRPCMessage, Server } from '@modelcontextprotocol/server';

import { MultiplexedJsonTransport } from './multiplexed-json.transport.js';

/** A real SDK server whose tools/call waits until released and answers who called, and with what. */
async function until(check: () => boolean): Promise<void> {
  for (let turn = 0; !check(); turn += 1) {
    if (turn > 10_000) throw new Error('the server never got there');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function setup() {
  const releases: (() => void)[] = [];
  const aborted: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the low-level Server, as the gateway uses it
  const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/call', async (request, ctx) => {
    const text = `${ctx.http?.authInfo?.clientId ?? '?'}:${String(request.params.arguments?.text)}`;
    await new Promise<void>((resolve) => {
      releases.push(resolve);
      ctx.mcpReq.signal.addEventListener('abort', () => {
        aborted.push(text);
        resolve();
      });
    });
    return { content: [{ type: 'text', text }] };
  });
  const transport = new MultiplexedJsonTransport();
  await server.connect(transport);
  /** Waits (boundedly) until `count` calls are in their handler, then lets every waiting one answer. */
  const releaseAll = async (count: number) => {
    await until(() => releases.length >= count);
    for (const release of releases.splice(0)) release();
  };
  return { transport, releaseAll, aborted, releases };
}

const call = (id: number | string, text: string): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'x', arguments: { text } },
});
const auth = (clientId: string) => ({ authInfo: { token: '', clientId, scopes: [] } });
const textOf = (answer: JSONRPCMessage | undefined) =>
  (answer as { result?: { content?: { text?: string }[] } } | undefined)?.result?.content?.[0]?.text;

describe(MultiplexedJsonTransport.name, () => {
  it('should keep concurrent requests with the same id from different callers apart, each with its own identity', async () => {
    const { transport, releaseAll } = await setup();
    const never = new AbortController().signal;
    const a = transport.exchange('alpha', [call(1, 'a')], auth('alpha'), never);
    const b = transport.exchange('beta', [call(1, 'b')], auth('beta'), never);
    expect(transport.inflight).toBe(2);
    await releaseAll(2);
    const [[answerA], [answerB]] = await Promise.all([a, b]);
    expect(answerA).toMatchObject({ id: 1 });
    expect(textOf(answerA)).toBe('alpha:a');
    expect(textOf(answerB)).toBe('beta:b');
    expect(transport.inflight).toBe(0);
  });

  it('should answer a batch in order, with the ids the client sent', async () => {
    const { transport, releaseAll } = await setup();
    const batch = transport.exchange(
      'alpha',
      [call('x', '1'), call(7, '2')],
      auth('alpha'),
      new AbortController().signal,
    );
    await releaseAll(2);
    const answers = await batch;
    expect(answers.map((answer) => (answer as { id: unknown }).id)).toEqual(['x', 7]);
    expect(answers.map(textOf)).toEqual(['alpha:1', 'alpha:2']);
  });

  it("should route a caller's notifications/cancelled to its own request only, which then answers as cancelled", async () => {
    const { transport, aborted, releases } = await setup();
    const never = new AbortController().signal;
    const a = transport.exchange('alpha', [call(5, 'a')], auth('alpha'), never);
    const b = transport.exchange('beta', [call(5, 'b')], auth('beta'), never);
    await until(() => releases.length >= 2);
    await transport.exchange(
      'beta',
      [{ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5 } }],
      auth('beta'),
      never,
    );
    expect(aborted).toEqual(['beta:b']);
    expect((await b)[0]).toMatchObject({ id: 5, error: { code: -32800 } });
    for (const release of releases) release();
    expect(textOf((await a)[0])).toBe('alpha:a');
  });

  it('should cancel what a caller left in flight when it goes away, and not wait for it', async () => {
    const { transport, aborted } = await setup();
    const gone = new AbortController();
    const pending = transport.exchange('alpha', [call(1, 'slow')], auth('alpha'), gone.signal);
    await until(() => transport.inflight === 1);
    await new Promise((resolve) => setImmediate(resolve));
    gone.abort();
    const [answer] = await pending;
    expect(answer).toMatchObject({ id: 1, error: { code: -32800 } });
    expect(aborted).toEqual(['alpha:slow']);
    expect(transport.inflight).toBe(0);
  });

  it('should deliver notifications without waiting for any answer', async () => {
    const { transport } = await setup();
    const answers = await transport.exchange(
      'alpha',
      [{ jsonrpc: '2.0', method: 'notifications/initialized' }],
      auth('alpha'),
      new AbortController().signal,
    );
    expect(answers).toEqual([]);
  });
});
