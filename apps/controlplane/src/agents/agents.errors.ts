import { DomainError } from '@fracta/domain';

export class AgentMergeConflictError extends DomainError {
  readonly code = 'AGENT_MERGE_CONFLICT';
  readonly category = 'conflict';

  constructor(
    agent: string,
    branch: string,
    base: string,
    readonly conflicts: readonly string[],
  ) {
    const listed = conflicts.slice(0, 20).join(', ');
    super(
      `merging ${branch} into ${base} conflicts in ${conflicts.length} file(s): ${listed}${conflicts.length > 20 ? ', …' : ''}; the merge was aborted and both branches are unchanged: resolve it in ${branch} (or merge by hand), then merge again`,
      { agent, branch, base, conflicts: conflicts.slice(0, 500) },
    );
  }
}

export class AgentBusyError extends DomainError {
  readonly code = 'AGENT_BUSY';
  readonly category = 'conflict';
}

export class AgentWorkspaceGoneError extends DomainError {
  readonly code = 'AGENT_WORKSPACE_GONE';
  readonly category = 'conflict';
}

export class AgentPromptMissingError extends DomainError {
  readonly code = 'AGENT_PROMPT_MISSING';
  readonly category = 'invalid';
}

export class AgentModeUnsupportedError extends DomainError {
  readonly code = 'AGENT_MODE_UNSUPPORTED';
  readonly category = 'invalid';
}

export class RuntimeBinaryMissingError extends DomainError {
  readonly code = 'RUNTIME_BINARY_NOT_FOUND';
  readonly category = 'invalid';
}

export class SubAgentRefusedError extends DomainError {
  readonly code = 'SUB_AGENT_REFUSED';
  readonly category = 'forbidden';
}
