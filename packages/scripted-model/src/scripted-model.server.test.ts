import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { REDACTED } from './recorded-request.js';
import { ScriptedModel, startScriptedModel } from './scripted-model.server.js';

const anthropicBody = (stream: boolean, tools: string[] = ['Write']): Record<string, unknown> => ({
  model: 'claude-scripted',
  stream,
  system: 'You are Claude.',
  tools: tools.map((name) => ({ name, input_schema: { type: 'object' } })),
  messages: [{ role: 'user', content: [{ type: 'text', text: 'do it' }] }],
});

async function post(
  model: ScriptedModel,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${model.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
}

/** The data of each SSE event, in order. */
async function sseData(response: Response): Promise<unknown[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => /^data: (.*)$/m.exec(frame)?.[1] ?? '')
    .map((data) => (data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as unknown)));
}

describe(ScriptedModel.name, () => {
  let model: ScriptedModel;

  beforeEach(async () => {
    model = await startScriptedModel();
  });

  afterEach(async () => {
    await model.close();
  });

  it('should listen on 127.0.0.1 and give base URLs for each SDK', () => {
    expect(model.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(model.anthropicBaseUrl).toBe(model.url);
    expect(model.openaiBaseUrl).toBe(`${model.url}/v1`);
  });

  it('should serve queued turns in order, then the fallback, recording which turn answered', async () => {
    model.script([
      { kind: 'text', text: 'one', usage: { inputTokens: 3, outputTokens: 2 } },
      { kind: 'text', text: 'two' },
    ]);

    const first = (await (await post(model, '/v1/messages', anthropicBody(false))).json()) as Record<
      string,
      unknown
    >;
    const second = (await (await post(model, '/v1/messages', anthropicBody(false))).json()) as Record<
      string,
      unknown
    >;
    const third = (await (await post(model, '/v1/messages', anthropicBody(false))).json()) as Record<
      string,
      unknown
    >;

    expect(first).toMatchObject({
      content: [{ type: 'text', text: 'one' }],
      usage: { input_tokens: 3, output_tokens: 2 },
    });
    expect(second).toMatchObject({ content: [{ type: 'text', text: 'two' }] });
    expect(third).toMatchObject({
      content: [{ type: 'text', text: 'scripted model: no turn was queued for this request' }],
    });
    expect(model.requests.map((request) => request.answer)).toEqual([
      { kind: 'text', turn: 0, status: 200 },
      { kind: 'text', turn: 1, status: 200 },
      { kind: 'fallback', turn: null, status: 200 },
    ]);
    expect(model.remaining).toBe(0);
  });

  it('should estimate usage from the request and answer when the turn gives none', async () => {
    model.enqueue({ kind: 'text', text: 'x'.repeat(40) });

    const body = (await (await post(model, '/v1/messages', anthropicBody(false))).json()) as {
      usage: { input_tokens: number; output_tokens: number };
    };

    expect(body.usage.output_tokens).toBe(10);
    expect(body.usage.input_tokens).toBe(Math.ceil(model.requests[0]!.bodyBytes / 4));
  });

  it('should stream SSE when the request asks for it, on every protocol', async () => {
    model.script([
      { kind: 'text', text: 'anthropic' },
      { kind: 'text', text: 'responses' },
      { kind: 'text', text: 'chat' },
    ]);

    const anthropic = await post(model, '/v1/messages', anthropicBody(true));
    const responses = await post(model, '/v1/responses', { model: 'm', stream: true, input: 'hi' });
    const chat = await post(model, '/v1/chat/completions', {
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });

    for (const response of [anthropic, responses, chat]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    }
    expect(JSON.stringify(await sseData(anthropic))).toContain('"text":"anthropic"');
    expect(JSON.stringify(await sseData(responses))).toContain('"delta":"responses"');
    const chatEvents = await sseData(chat);
    expect(JSON.stringify(chatEvents)).toContain('"content":"chat"');
    expect(chatEvents.at(-1)).toBe('[DONE]');
    expect(model.requests.map((request) => [request.protocol, request.stream])).toEqual([
      ['anthropic', true],
      ['openai-responses', true],
      ['openai-chat', true],
    ]);
  });

  it('should call the first offered tool the turn matches, with the scripted arguments', async () => {
    model.enqueue({ kind: 'tool', tool: 'echo', arguments: { text: 'ping' }, text: 'calling' });

    const body = (await (
      await post(
        model,
        '/v1/messages',
        anthropicBody(false, ['mcp__a__echo_all', 'mcp__x__echo', 'mcp__y__echo']),
      )
    ).json()) as { content: unknown[]; stop_reason: string };

    expect(body.stop_reason).toBe('tool_use');
    expect(body.content).toEqual([
      { type: 'text', text: 'calling' },
      { type: 'tool_use', id: expect.any(String), name: 'mcp__x__echo', input: { text: 'ping' } },
    ]);
    expect(model.requests[0]?.answer).toEqual({ kind: 'tool', turn: 0, status: 200 });
  });

  it('should call a Codex namespace tool by namespace and name, and a dotted plain tool by its name', async () => {
    model.script([
      { kind: 'tool', tool: 'echo' },
      { kind: 'tool', tool: 'a.b' },
    ]);
    const namespaced = {
      model: 'm',
      input: 'x',
      tools: [{ type: 'namespace', name: 'mcp__x', tools: [{ type: 'function', name: 'echo' }] }],
    };
    const dotted = { model: 'm', input: 'x', tools: [{ type: 'function', name: 'a.b' }] };

    const first = (await (await post(model, '/v1/responses', namespaced)).json()) as { output: unknown[] };
    const second = (await (await post(model, '/v1/responses', dotted)).json()) as { output: unknown[] };

    expect(first.output).toEqual([
      expect.objectContaining({ type: 'function_call', name: 'echo', namespace: 'mcp__x' }),
    ]);
    expect(second.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'a.b' })]);
    expect(second.output[0]).not.toHaveProperty('namespace');
  });

  it('should fail a tool turn that matches no offered tool with a 400 naming the offered tools, and note it', async () => {
    model.enqueue({ kind: 'tool', tool: 'Delete' });

    const response = await post(model, '/v1/messages', anthropicBody(true, ['Write', 'Read']));

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe(
      'scripted tool call Delete matches no offered tool (offered: Write, Read)',
    );
    expect(model.problems).toEqual([
      'request 1: scripted tool call Delete matches no offered tool (offered: Write, Read)',
    ]);
    expect(model.requests[0]?.answer).toEqual({ kind: 'unmatched-tool', turn: 0, status: 400 });
    expect(model.modelRequests).toHaveLength(1);
  });

  it('should answer an error turn with its status, a protocol-shaped body and no-retry headers', async () => {
    model.script([
      { kind: 'error', status: 529, message: 'overloaded for the test' },
      { kind: 'error', status: 429 },
    ]);

    const anthropic = await post(model, '/v1/messages', anthropicBody(true));
    const openai = await post(model, '/v1/chat/completions', { model: 'm', stream: true, messages: [] });

    expect(anthropic.status).toBe(529);
    expect(anthropic.headers.get('x-should-retry')).toBe('false');
    expect(await anthropic.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'overloaded for the test' },
    });
    expect(openai.status).toBe(429);
    expect(await openai.json()).toEqual({
      error: {
        message: 'scripted error 429',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
  });

  it('should answer as many requests with a repeating error turn as it says, as one turn', async () => {
    model.script([
      { kind: 'error', status: 400, message: 'again', repeat: 3 },
      { kind: 'text', text: 'after' },
    ]);

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      statuses.push((await post(model, '/v1/messages', anthropicBody(false))).status);
      expect(model.remaining).toBe(attempt < 2 ? 2 : 1);
    }
    const after = (await (await post(model, '/v1/messages', anthropicBody(false))).json()) as {
      content: unknown[];
    };

    expect(statuses).toEqual([400, 400, 400]);
    expect(after.content).toEqual([{ type: 'text', text: 'after' }]);
    expect(model.requests.map((request) => request.answer)).toEqual([
      { kind: 'error', turn: 0, status: 400 },
      { kind: 'error', turn: 0, status: 400 },
      { kind: 'error', turn: 0, status: 400 },
      { kind: 'text', turn: 1, status: 200 },
    ]);
  });

  it('should drop the rest of a repeating error when the queue is scripted anew', async () => {
    model.enqueue({ kind: 'error', status: 500, repeat: 5 });
    await post(model, '/v1/messages', anthropicBody(false));

    model.script([{ kind: 'text', text: 'fresh' }]);
    const fresh = (await (await post(model, '/v1/messages', anthropicBody(false))).json()) as {
      content: unknown[];
    };

    expect(fresh.content).toEqual([{ type: 'text', text: 'fresh' }]);
    expect(model.remaining).toBe(0);
  });

  it('should hold a slow turn back for its delay and pace its chunks', async () => {
    model.enqueue({ kind: 'text', text: 'abcdef', chunkSize: 2, delayMs: 150, chunkDelayMs: 40 });
    const started = performance.now();

    const response = await post(model, '/v1/chat/completions', { model: 'm', stream: true, messages: [] });
    const headersAfter = performance.now() - started;
    const events = await sseData(response);
    const doneAfter = performance.now() - started;

    expect(headersAfter).toBeGreaterThanOrEqual(140);
    // 3 text chunks + role + stop + usage = 6 frames, 5 pauses of 40 ms
    expect(events).toHaveLength(7);
    expect(doneAfter - headersAfter).toBeGreaterThanOrEqual(180);
  });

  it('should cut a slow response when closed, and free its port', async () => {
    model.enqueue({ kind: 'text', text: 'never', delayMs: 60_000 });
    const pending = post(model, '/v1/messages', anthropicBody(true)).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();

    await model.close();

    expect(await pending).toBe('cut');
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(fetch(`${model.url}/health`)).rejects.toThrow();
    model = await startScriptedModel();
  });

  it('should stop a slow answer when the client goes away, and keep serving others', async () => {
    model.script([
      { kind: 'text', text: 'abandoned', delayMs: 60_000 },
      { kind: 'text', text: 'next' },
    ]);
    const controller = new AbortController();
    const abandoned = fetch(`${model.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify(anthropicBody(false)),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await abandoned;

    const next = (await (await post(model, '/v1/messages', anthropicBody(false))).json()) as {
      content: unknown[];
    };

    expect(next.content).toEqual([{ type: 'text', text: 'next' }]);
  });

  it('should answer the title request of opencode without using up a turn', async () => {
    model.enqueue({ kind: 'text', text: 'the real answer' });
    const title = {
      model: 'm',
      messages: [
        { role: 'system', content: 'You are a title generator. You output ONLY a thread title.' },
        { role: 'user', content: 'say hello' },
      ],
    };

    const titled = (await (await post(model, '/v1/chat/completions', title)).json()) as {
      choices: { message: { content: string } }[];
    };
    const real = (await (
      await post(model, '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'hi' }] })
    ).json()) as { choices: { message: { content: string } }[] };

    expect(titled.choices[0]?.message.content).toBe('Scripted session');
    expect(real.choices[0]?.message.content).toBe('the real answer');
    expect(model.requests.map((request) => request.answer.kind)).toEqual(['auxiliary', 'text']);
    expect(model.modelRequests.map((request) => request.seq)).toEqual([2]);
  });

  it('should record requests with redacted credentials and the parsed conversation', async () => {
    model.enqueue({ kind: 'text', text: 'ok' });

    await post(model, '/v1/messages?beta=true', anthropicBody(false), {
      'x-api-key': 'sk-ant-secret',
      authorization: 'Bearer sk-secret',
      'anthropic-version': '2023-06-01',
    });

    const [recorded] = model.requests;
    expect(recorded).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/v1/messages',
      query: 'beta=true',
      protocol: 'anthropic',
      model: 'claude-scripted',
      stream: false,
      tools: ['Write'],
      prompt: 'do it',
      headers: { 'x-api-key': REDACTED, authorization: REDACTED, 'anthropic-version': '2023-06-01' },
    });
    expect(JSON.stringify(model.requests)).not.toContain('secret');
  });

  it('should read gzip-compressed bodies', async () => {
    model.enqueue({ kind: 'text', text: 'unzipped' });

    const response = await post(model, '/v1/messages', gzipSync(JSON.stringify(anthropicBody(false))), {
      'content-encoding': 'gzip',
    });

    expect(response.status).toBe(200);
    expect(model.requests[0]?.prompt).toBe('do it');
  });

  it('should reject a body that is not JSON with a 400 and keep the turn for the next request', async () => {
    model.enqueue({ kind: 'text', text: 'kept' });

    const response = await post(model, '/v1/messages', '{"model": ');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'request body is not JSON' },
    });
    expect(model.requests[0]?.answer).toEqual({ kind: 'bad-request', turn: null, status: 400 });
    expect(model.remaining).toBe(1);
  });

  it('should reject an unknown content encoding with a 415', async () => {
    const response = await post(model, '/v1/chat/completions', 'xx', { 'content-encoding': 'compress' });

    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'unsupported content-encoding "compress"',
    );
  });

  it('should reject a body over the limit with a 413, declared or streamed', async () => {
    const small = await startScriptedModel({ maxBodyBytes: 1_000 });
    try {
      const declared = await post(small, '/v1/messages', { padding: 'x'.repeat(2_000) });
      const streamed = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${small.url}/v1/responses`, {
          method: 'POST',
          headers: { 'transfer-encoding': 'chunked' },
        });
        request.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.write('x'.repeat(800));
        request.end('x'.repeat(800));
      });

      expect(declared.status).toBe(413);
      expect(((await declared.json()) as { error: { message: string } }).error.message).toMatch(
        /over the 1000-byte limit/,
      );
      expect(streamed).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('should serve count_tokens, the model list and health, and 404 anything else in the protocol shape', async () => {
    const counted = await post(model, '/v1/messages/count_tokens', {
      messages: [{ role: 'user', content: 'x'.repeat(100) }],
    });
    const models = await fetch(`${model.url}/v1/models`);
    const health = await fetch(`${model.url}/health`);
    const missing = await fetch(`${model.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    const missingAnthropic = await fetch(`${model.url}/v1/other`, {
      headers: { 'anthropic-version': '2023-06-01' },
    });

    expect(((await counted.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(25);
    expect(await models.json()).toMatchObject({ object: 'list', data: [{ id: 'scripted-model' }] });
    expect(await health.json()).toEqual({ ok: true });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { message: 'the scripted model does not serve POST /v1/embeddings', type: 'not_found_error' },
    });
    expect(await missingAnthropic.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error' },
    });
    expect(model.requests.map((request) => request.answer.kind)).toEqual([
      'count-tokens',
      'models',
      'health',
      'not-found',
      'not-found',
    ]);
    expect(model.modelRequests).toHaveLength(0);
  });

  it('should use a custom fallback and auxiliary rule', async () => {
    const custom = await startScriptedModel({
      fallback: { kind: 'error', status: 500, message: 'nothing scripted' },
      isAuxiliary: (request) => request.prompt === 'side',
      auxiliaryText: 'aside',
    });
    try {
      const side = await post(custom, '/v1/chat/completions', {
        model: 'm',
        messages: [{ role: 'user', content: 'side' }],
      });
      const main = await post(custom, '/v1/chat/completions', {
        model: 'm',
        messages: [{ role: 'user', content: 'main' }],
      });

      expect(
        ((await side.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
      ).toBe('aside');
      expect(main.status).toBe(500);
      expect(custom.requests.map((request) => request.answer)).toEqual([
        { kind: 'auxiliary', turn: null, status: 200 },
        { kind: 'fallback', turn: null, status: 500 },
      ]);
    } finally {
      await custom.close();
    }
  });

  it('should reject bad options and bad turns when they are given, not when served', async () => {
    await expect(startScriptedModel({ maxBodyBytes: 0 })).rejects.toMatchObject({
      code: 'SCRIPTED_MODEL_OPTIONS_INVALID',
      message: 'maxBodyBytes must be an integer between 1 and 104857600, got 0',
    });
    await expect(startScriptedModel({ fallback: { kind: 'error', status: 200 } })).rejects.toMatchObject({
      code: 'SCRIPTED_TURN_INVALID',
    });
    model.enqueue({ kind: 'text', text: 'a' });
    expect(() => model.enqueue({ kind: 'text', text: 'b' }, { kind: 'tool', tool: '' })).toThrow(
      /^scripted turn 2: /,
    );
    expect(() => model.script([{ kind: 'error', status: 302 }])).toThrow(/^scripted turn 0: /);
    expect(model.remaining).toBe(1);
  });
});
