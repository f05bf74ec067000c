import { describe, expect, it } from '@jest/globals';

import { describeBody, offeredTools, REDACTED, scrubHeaders } from './recorded-request.js';

describe(scrubHeaders.name, () => {
  it('should redact every credential header whatever its case, and keep the rest', () => {
    const headers = scrubHeaders({
      Authorization: 'Bearer sk-live',
      'X-Api-Key': 'sk-ant',
      'api-key': 'azure',
      'proxy-authorization': 'Basic x',
      cookie: 'a=b',
      'x-goog-api-key': 'g',
      'User-Agent': 'claude-cli/2.1.330',
      'anthropic-version': '2023-06-01',
    });

    expect(headers).toEqual({
      authorization: REDACTED,
      'x-api-key': REDACTED,
      'api-key': REDACTED,
      'proxy-authorization': REDACTED,
      cookie: REDACTED,
      'x-goog-api-key': REDACTED,
      'user-agent': 'claude-cli/2.1.330',
      'anthropic-version': '2023-06-01',
    });
    expect(JSON.stringify(headers)).not.toMatch(/sk-live|sk-ant|azure/);
  });

  it('should join repeated headers and drop absent ones', () => {
    expect(scrubHeaders({ accept: ['a', 'b'], 'set-cookie': ['x', 'y'], gone: undefined })).toEqual({
      accept: 'a, b',
      'set-cookie': REDACTED,
    });
  });
});

describe(offeredTools.name, () => {
  it('should name Anthropic tools by their name', () => {
    expect(
      offeredTools('anthropic', { tools: [{ name: 'Write' }, { name: 'mcp__x__echo' }, { type: 'web' }] }),
    ).toEqual(['Write', 'mcp__x__echo']);
  });

  it('should name Responses API namespace tools namespace.name, next to plain and custom tools', () => {
    const body = {
      tools: [
        { type: 'function', name: 'exec_command' },
        { type: 'custom', name: 'apply_patch' },
        { type: 'namespace', name: 'mcp__x', tools: [{ type: 'function', name: 'echo' }, { name: 'add' }] },
        { type: 'web_search' },
      ],
    };

    expect(offeredTools('openai-responses', body)).toEqual([
      'exec_command',
      'apply_patch',
      'mcp__x.echo',
      'mcp__x.add',
    ]);
  });

  it('should name Chat Completions tools by their function name', () => {
    expect(
      offeredTools('openai-chat', { tools: [{ type: 'function', function: { name: 'write' } }] }),
    ).toEqual(['write']);
  });

  it('should give no tools for bodies without a tool list', () => {
    expect(offeredTools('anthropic', null)).toEqual([]);
    expect(offeredTools('openai-chat', { tools: 'all' })).toEqual([]);
  });
});

describe(describeBody.name, () => {
  it('should read an Anthropic conversation: system, prompt without system reminders, tool calls and results', () => {
    const body = {
      model: 'claude-scripted',
      stream: true,
      system: [{ type: 'text', text: 'You are Claude.' }],
      tools: [{ name: 'Write' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>\ngit status\n</system-reminder>' },
            { type: 'text', text: 'write the file' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Writing.' },
            { type: 'tool_use', id: 't1', name: 'Write', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'File created' }] },
            { type: 'text', text: '<system-reminder>todo list</system-reminder>' },
          ],
        },
      ],
    };

    const described = describeBody('anthropic', body);

    expect(described).toMatchObject({ model: 'claude-scripted', stream: true, tools: ['Write'] });
    expect(described.prompt).toBe('write the file');
    expect(described.toolResults).toEqual(['File created']);
    expect(described.messages).toEqual([
      { role: 'system', text: 'You are Claude.', toolCalls: [] },
      {
        role: 'user',
        text: '<system-reminder>\ngit status\n</system-reminder>\nwrite the file',
        toolCalls: [],
      },
      { role: 'assistant', text: 'Writing.', toolCalls: ['Write'] },
      { role: 'tool', text: 'File created', toolCalls: [] },
      { role: 'user', text: '<system-reminder>todo list</system-reminder>', toolCalls: [] },
    ]);
  });

  it('should take the latest user text as the prompt of a resumed Anthropic conversation', () => {
    const described = describeBody('anthropic', {
      messages: [
        { role: 'user', content: 'first prompt' },
        { role: 'assistant', content: [{ type: 'text', text: 'first answer' }] },
        { role: 'user', content: [{ type: 'text', text: 'second prompt' }] },
      ],
    });

    expect(described.prompt).toBe('second prompt');
    expect(described.messages.map((message) => message.text)).toEqual([
      'first prompt',
      'first answer',
      'second prompt',
    ]);
    expect(described.stream).toBe(false);
  });

  it('should read a Responses API input: instructions, messages, namespaced calls and their outputs', () => {
    const body = {
      model: 'scripted-model',
      stream: true,
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'rules' }] },
        { role: 'user', content: [{ type: 'input_text', text: 'call echo' }] },
        { type: 'function_call', name: 'echo', namespace: 'mcp__x', call_id: 'c1', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'echo: hi' },
        { type: 'custom_tool_call', name: 'apply_patch', call_id: 'c2', input: '*** Begin Patch' },
        {
          type: 'custom_tool_call_output',
          call_id: 'c2',
          output: { content: [{ type: 'input_text', text: 'Done' }] },
        },
        { type: 'reasoning', summary: [] },
      ],
    };

    const described = describeBody('openai-responses', body);

    expect(described.prompt).toBe('call echo');
    expect(described.toolResults).toEqual(['echo: hi', 'Done']);
    expect(described.messages).toEqual([
      { role: 'system', text: 'You are Codex.', toolCalls: [] },
      { role: 'developer', text: 'rules', toolCalls: [] },
      { role: 'user', text: 'call echo', toolCalls: [] },
      { role: 'assistant', text: '', toolCalls: ['mcp__x.echo'] },
      { role: 'tool', text: 'echo: hi', toolCalls: [] },
      { role: 'assistant', text: '', toolCalls: ['apply_patch'] },
      { role: 'tool', text: 'Done', toolCalls: [] },
    ]);
  });

  it('should read a Responses API input given as a plain string', () => {
    expect(describeBody('openai-responses', { input: 'hello' })).toMatchObject({
      prompt: 'hello',
      messages: [{ role: 'user', text: 'hello', toolCalls: [] }],
    });
  });

  it('should read a Chat Completions conversation with tool calls and tool messages', () => {
    const body = {
      model: 'scripted-model',
      stream: true,
      messages: [
        { role: 'system', content: 'You are opencode.' },
        { role: 'user', content: [{ type: 'text', text: '"write a file"' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'write' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'Wrote file successfully.' },
      ],
    };

    const described = describeBody('openai-chat', body);

    expect(described.prompt).toBe('"write a file"');
    expect(described.toolResults).toEqual(['Wrote file successfully.']);
    expect(described.messages[2]).toEqual({ role: 'assistant', text: '', toolCalls: ['write'] });
  });

  it('should describe a body that is not a JSON object as empty', () => {
    for (const body of [null, 'text', [1, 2]]) {
      expect(describeBody('anthropic', body)).toEqual({
        model: null,
        stream: false,
        tools: [],
        messages: [],
        prompt: null,
        toolResults: [],
      });
    }
  });

  it('should keep no conversation for requests of no known protocol', () => {
    expect(describeBody('other', { model: 'm', messages: [{ role: 'user', content: 'x' }] })).toMatchObject({
      model: 'm',
      messages: [],
      prompt: null,
    });
  });
});
