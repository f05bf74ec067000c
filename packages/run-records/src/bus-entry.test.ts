import { describe, expect, it } from '@jest/globals';

import { BusParser, escapeBody, parseBusText, serializeBusEntry, type BusMessage } from './bus-entry.js';

const message = (overrides: Partial<BusMessage> = {}): BusMessage => ({
  msg_id: 'MSG-20261123-223150-246-0000-a1b2c3',
  ts: '2026-11-23T22:31:50.246Z',
  type: 'FACT',
  project_id: 'demo',
  task_id: 'lint-fix',
  run_id: null,
  body: 'tests pass',
  ...overrides,
});

/** A bus file as the writer lays it out: entries separated by one empty line. */
const bus = (...messages: BusMessage[]) => messages.map(serializeBusEntry).join('\n');

describe(serializeBusEntry.name, () => {
  it('should write the conductor-loop layout: delimiters, header keys in order, body, final newline', () => {
    expect(serializeBusEntry(message())).toBe(
      [
        '---',
        'msg_id: MSG-20261123-223150-246-0000-a1b2c3',
        'ts: 2026-11-23T22:31:50.246Z',
        'type: FACT',
        'project_id: "demo"',
        'task_id: "lint-fix"',
        'run_id: ""',
        '---',
        'tests pass',
        '',
      ].join('\n'),
    );
  });

  it('should escape every body line that could read as a delimiter', () => {
    expect(escapeBody('a\n---\n---  \n\\---\nb --- c\n----')).toBe(
      'a\n\\---\n\\---  \n\\\\---\nb --- c\n----',
    );
  });
});

describe(parseBusText.name, () => {
  it.each([
    ['a one-line body', 'tests pass'],
    ['an empty body', ''],
    ['a body ending with a newline', 'line\n'],
    ['a body of empty lines', '\n\n'],
    ['a body with delimiter lines', '---\nnot a header\n---\nmsg_id: fake\n---'],
    ['a body with escaped-looking lines', '\\---\n\\\\---  \n---\r'],
    ['a body with YAML and unicode', 'key: value\n- item\n€ 😀 终'],
  ])('should give back %s exactly, between other entries', (_, body) => {
    const entries = parseBusText(
      bus(message({ body: 'before' }), message({ body }), message({ body: 'after' })),
    );

    expect(entries.map((entry) => entry.body)).toEqual(['before', body, 'after']);
  });

  it('should give back the last entry exactly when the file ends with it', () => {
    expect(parseBusText(bus(message({ body: 'x\n' })))).toEqual([message({ body: 'x\n' })]);
  });

  it('should read absent ids written as empty strings as null, and every value as text', () => {
    const text =
      '---\nmsg_id: M-1\nts: 2026-01-01T00:00:00Z\ntype: INFO\nproject_id: 123\ntask_id: ""\nrun_id: true\n---\nhi\n';

    expect(parseBusText(text)).toEqual([
      {
        msg_id: 'M-1',
        ts: '2026-01-01T00:00:00Z',
        type: 'INFO',
        project_id: '123',
        task_id: null,
        run_id: 'true',
        body: 'hi',
      },
    ]);
  });

  it('should drop a last entry cut short by a crash', () => {
    const whole = bus(message({ body: 'kept' }), message({ body: 'torn body' }));

    expect(parseBusText(whole.slice(0, -3)).map((entry) => entry.body)).toEqual(['kept']);
    expect(parseBusText(whole.slice(0, whole.lastIndexOf('type:'))).map((entry) => entry.body)).toEqual([
      'kept',
    ]);
  });

  it('should skip garbage and headers that do not parse, and keep the entries around them', () => {
    const text = [
      'legacy line before any entry',
      bus(message({ body: 'one' })),
      '---\nmsg_id: [unclosed\n---\nbody of a broken entry\n',
      '---\nts: 2026-01-01T00:00:00Z\ntype: INFO\nproject_id: p\n---\nno msg_id\n',
      bus(message({ body: 'two' })),
    ].join('\n');

    expect(parseBusText(text).map((entry) => entry.body)).toEqual(['one', 'two']);
  });

  it('should recover the next entry after a body with a bare delimiter written by another tool', () => {
    const foreign = '---\nmsg_id: M-1\nts: t\ntype: INFO\nproject_id: p\n---\nbefore\n---\nafter\n';

    expect(parseBusText(`${foreign}\n${bus(message({ body: 'next' }))}`).map((entry) => entry.body)).toEqual([
      'before',
      'next',
    ]);
  });

  it('should refuse types that are not upper-case words', () => {
    expect(parseBusText(bus(message({ type: 'fact; rm -rf' })))).toEqual([]);
  });
});

describe(BusParser.name, () => {
  it('should give the same entries whatever pieces the text comes in', () => {
    const text = bus(message({ body: 'a\n---\nb' }), message({ body: '' }), message({ body: 'c\n' }));
    const expected = parseBusText(text);

    for (const size of [1, 2, 7, 64]) {
      const out: BusMessage[] = [];
      const parser = new BusParser((entry) => out.push(entry));
      for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
      parser.end();
      expect(out).toEqual(expected);
    }
    expect(expected).toHaveLength(3);
  });
});
