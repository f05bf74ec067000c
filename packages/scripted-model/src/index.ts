export {
  type AnswerKind,
  type ConversationMessage,
  type ModelProtocol,
  type RecordedRequest,
  REDACTED,
} from './recorded-request.js';
export { ScriptedModelError, type ScriptedModelErrorCode } from './scripted-model.errors.js';
export { ScriptedModel, type ScriptedModelOptions, startScriptedModel } from './scripted-model.server.js';
export {
  type ErrorTurn,
  type ScriptedTurn,
  type ScriptedUsage,
  type TextTurn,
  type ToolCallTurn,
  type TurnTiming,
} from './turn.js';
export { type AgentCli, type ModelEndpoint, type OfflineCliSetup, prepareOfflineCli } from './offline-cli.js';
export {
  agentCliBinary,
  type CliRun,
  type CliRunOptions,
  CodexAppServer,
  expectExit,
  type McpServerStatus,
  runAgentCli,
} from './agent-cli-process.js';
