/**
 * The one place a failure becomes an MCP tool error (`isError: true`): the control plane's
 * one-line message as it is, plus what the host can do about it where the category says more
 * than the message (retry, check the token, report a bug). A tool error, not a protocol error,
 * so the host's model sees it and can correct its call.
 */
import { assertNever } from '@fracta/domain';
import type { CallToolResult } from '@modelcontextprotocol/server';

import { classify } from '../exit-codes.js';

/** The text a host sees for a failure. */
export function describeToolFailure(error: unknown): string {
  const { category, message, expected } = classify(error);
  switch (category) {
    case 'invalid':
    case 'not_found':
    case 'conflict':
      return message;
    case 'forbidden':
      return `${message} (fracta serve sends FRACTA_TOKEN, else control_plane_api.token, else .fracta/controlplane.token)`;
    case 'transient':
      return `${message} (temporary: retry the call)`;
    case 'bug':
      return expected
        ? message
        : `${message} (unexpected: please report it, with the stderr of fracta serve and .fracta/logs/controlplane.log)`;
    default:
      return assertNever(category, 'error category');
  }
}

export function toolError(error: unknown): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: describeToolFailure(error) }] };
}
