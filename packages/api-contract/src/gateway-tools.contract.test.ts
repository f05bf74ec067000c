import { LIMITS } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { FRACTA_AGENT_TOOLS } from './agents.contract.js';
import { FRACTA_TOOL_DESCRIPTIONS, fractaToolInputSchemas } from './gateway-tools.contract.js';

describe('fractaToolInputSchemas', () => {
  it('should have an input schema and a description for every fracta agent tool', () => {
    expect(Object.keys(fractaToolInputSchemas).sort()).toEqual([...FRACTA_AGENT_TOOLS].sort());
    expect(Object.keys(FRACTA_TOOL_DESCRIPTIONS).sort()).toEqual([...FRACTA_AGENT_TOOLS].sort());
    for (const schema of Object.values(fractaToolInputSchemas)) {
      const json = z.toJSONSchema(schema, { io: 'input' }) as { type?: string };
      expect(json.type).toBe('object');
    }
  });

  it('should accept an agent or "host" as a recipient and refuse anything else', () => {
    const send = fractaToolInputSchemas.fracta_send;
    expect(send.safeParse({ to: 'host', message: 'hi' }).success).toBe(true);
    expect(send.safeParse({ to: 'beta-2', message: 'hi', from: 'someone' }).success).toBe(true);
    expect(send.safeParse({ to: '../etc', message: 'hi' }).success).toBe(false);
    expect(send.safeParse({ to: 'beta', message: '' }).success).toBe(false);
    expect(send.safeParse({ to: 'beta', message: 'x'.repeat(LIMITS.messageBodyChars + 1) }).success).toBe(
      false,
    );
  });

  it('should bound every free text and fill the defaults', () => {
    expect(
      fractaToolInputSchemas.fracta_set_intent.safeParse({ intent: 'x'.repeat(LIMITS.intentChars + 1) })
        .success,
    ).toBe(false);
    expect(fractaToolInputSchemas.fracta_report.safeParse({ kind: 'warning', text: 'x' }).success).toBe(
      false,
    );
    expect(fractaToolInputSchemas.fracta_inbox.parse({})).toEqual({ limit: 20 });
    expect(fractaToolInputSchemas.fracta_list.parse({})).toEqual({ limit: 100 });
    expect(fractaToolInputSchemas.fracta_list.safeParse({ limit: 201 }).success).toBe(false);
    expect(fractaToolInputSchemas.fracta_spawn.safeParse({ name: 'bad name' }).success).toBe(false);
  });
});
