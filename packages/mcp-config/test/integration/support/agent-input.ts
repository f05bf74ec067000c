import { type Runtime } from '@fracta/domain';

import { type AgentFilesInput } from '../../../src/index.js';

import { FRACTA_TOOLS } from './test-gateway.js';

export const AGENT = 'a1';
/** A line of the instructions the tests look for in what the CLI sends its model. */
export const INSTRUCTIONS_MARK = 'You are fracta agent a1 (instructions-mark-7f3c).';

export function agentInput(
  runtime: Runtime,
  gatewayUrl: string,
  overrides: Partial<AgentFilesInput> = {},
): AgentFilesInput {
  return {
    agent: AGENT,
    runtime,
    gateway: { url: gatewayUrl, tokenEnvVar: 'FRACTA_GATEWAY_TOKEN' },
    allowedTools: ['Read', 'Bash(git *)'],
    gatewayTools: [...FRACTA_TOOLS],
    instructions: `${INSTRUCTIONS_MARK}\nReport progress with fracta_report; read your mail with fracta_inbox.`,
    ...overrides,
  };
}
