import { ControlPlaneError, ControlPlaneUnreachableError } from '@fracta/api-contract';
import { AgentNotFoundError, ValidationError } from '@fracta/domain';
import { describe, expect, it } from '@jest/globals';

import { describeToolFailure, toolError } from './tool-errors.js';

describe(toolError.name, () => {
  it("should be a tool error carrying the control plane's message as it is", () => {
    expect(toolError(new AgentNotFoundError('x'))).toEqual({
      isError: true,
      content: [{ type: 'text', text: `agent "x" not found: run 'fracta list' to see the agents` }],
    });
  });
});

describe(describeToolFailure.name, () => {
  it('should keep invalid, not-found and conflict messages unchanged', () => {
    expect(describeToolFailure(new ValidationError('AGENT_NAME_INVALID', 'bad name: use letters'))).toBe(
      'bad name: use letters',
    );
    const conflict = new ControlPlaneError(
      'AGENT_MERGE_CONFLICT',
      'conflict',
      'conflicts in 1 file(s): a.txt',
      409,
    );
    expect(describeToolFailure(conflict)).toBe('conflicts in 1 file(s): a.txt');
  });

  it('should say where the token comes from on forbidden, and to retry on transient', () => {
    const forbidden = new ControlPlaneError('UNAUTHENTICATED', 'forbidden', 'missing or wrong token', 401);
    expect(describeToolFailure(forbidden)).toBe(
      'missing or wrong token (fracta serve sends FRACTA_TOKEN, else control_plane_api.token, else .fracta/controlplane.token)',
    );
    expect(describeToolFailure(new ControlPlaneUnreachableError('control plane not reachable'))).toBe(
      'control plane not reachable (temporary: retry the call)',
    );
  });

  it('should ask for a report on anything unexpected, but not twice for a known bug', () => {
    expect(describeToolFailure(new TypeError('boom'))).toBe(
      'boom (unexpected: please report it, with the stderr of fracta serve and .fracta/logs/controlplane.log)',
    );
    expect(describeToolFailure('plain string')).toContain('plain string (unexpected: please report it');
    const internal = new ControlPlaneError('INTERNAL', 'bug', 'internal error: please report it', 500);
    expect(describeToolFailure(internal)).toBe('internal error: please report it');
  });

  it('should map errors of other packages by their category, like ConfigError', () => {
    const configError = Object.assign(new Error('fracta.yaml: 1 problem'), {
      code: 'CONFIG_INVALID',
      category: 'invalid',
    });
    expect(describeToolFailure(configError)).toBe('fracta.yaml: 1 problem');
  });
});
