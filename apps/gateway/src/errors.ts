/** The gateway's own errors (STYLE §4.7): a code, a category, mapped to MCP in one place (tool-call-errors.ts). */
import { DomainError } from '@fracta/domain';

/** A backend could not be reached (start, connect, or it is backing off after failures). */
export class BackendUnavailableError extends DomainError {
  readonly code = 'GATEWAY_BACKEND_UNAVAILABLE';
  readonly category = 'transient';
}

/** The backend's connection broke during the call (its process crashed, its server went away). */
export class BackendCallFailedError extends DomainError {
  readonly code = 'GATEWAY_BACKEND_CALL_FAILED';
  readonly category = 'transient';
}

/** The backend did not answer within GATEWAY_TOOL_TIMEOUT. */
export class BackendTimeoutError extends DomainError {
  readonly code = 'GATEWAY_BACKEND_TIMEOUT';
  readonly category = 'transient';
}

/** The tool does not exist for this agent: unknown, or hidden by policy (the two look the same). */
export class ToolUnavailableError extends DomainError {
  readonly code = 'GATEWAY_TOOL_UNAVAILABLE';
  readonly category = 'not_found';
  constructor(readonly tool: string) {
    super(`Tool ${tool} not found`);
  }
}
