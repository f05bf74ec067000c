/**
 * Ports: what the application needs from the outside world, as abstract classes (they exist at
 * runtime, so Nest can use them as injection tokens). Adapters live in other packages.
 */
import type { Agent, AgentDraft, AgentStatus, Runtime, TokenUsage } from './agent.js';
import type { GatewayCredential } from './credential.js';
import type { AgentEvent, EventDraft } from './event.js';
import type { LifecycleTrigger } from './lifecycle.js';
import type { Message, MessageDraft } from './message.js';
import type { Mission, MissionDraft, MissionRecord, MissionResult } from './mission.js';
import type { Run, RunDraft, RunFinish } from './run.js';

export abstract class Clock {
  abstract now(): Date;
}

export type IdKind = 'run' | 'mission' | 'credential' | 'message';

export abstract class IdGenerator {
  abstract next(kind: IdKind): string;
}

// ---------------------------------------------------------------- paging

export interface PageRequest {
  /** 1..PAGE_MAX */
  readonly limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string | null;
}

export interface Page<T> {
  readonly items: T[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

export const PAGE_MAX = 500;

// ---------------------------------------------------------------- agents

export interface AgentFilter {
  readonly statuses?: readonly AgentStatus[];
  readonly runtimes?: readonly Runtime[];
  readonly parentAgent?: string;
  /** Every label given must match exactly. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly namePrefix?: string;
}

/** Fields a lifecycle transition may set in the same atomic write as the status. */
export interface LifecyclePatch {
  readonly exitCode?: number | null;
  readonly failureReason?: string | null;
  readonly resumeToken?: string | null;
  readonly lastOutput?: string | null;
  readonly usage?: TokenUsage | null;
  readonly currentRunId?: string | null;
  readonly workspacePath?: string | null;
  readonly branch?: string | null;
}

export interface TransitionRequest {
  readonly name: string;
  readonly trigger: Exclude<LifecycleTrigger, 'enqueue'>;
  readonly at: Date;
  readonly run?: string | null;
  readonly patch?: LifecyclePatch;
  /** Recorded in the event (and as failureReason on `fail` unless the patch sets one). */
  readonly reason?: string | null;
  readonly attrs?: Readonly<Record<string, string>>;
  /**
   * The process handle of `run` (required with it), recorded on that run in the same transaction:
   * a start records its process and Running together, so a restart never finds one without the
   * other. Validated as `RunRepository.attachHandle` validates it; when the run is not running,
   * RunNotRunningError (RunNotFoundError when absent) and nothing is written. A transition that
   * does not apply records no handle either.
   */
  readonly runHandle?: string;
}

export type TransitionResult =
  | { readonly applied: true; readonly agent: Agent; readonly event: AgentEvent }
  /** Another writer got there first (or the status never allowed it); nothing was written. */
  | { readonly applied: false; readonly agent: Agent };

export interface CreateAgentRequest {
  readonly draft: AgentDraft;
  /** `enqueue` creates a Queued agent, `start` a Running one. */
  readonly trigger: 'enqueue' | 'start';
  readonly at: Date;
  readonly run?: string | null;
  readonly attrs?: Readonly<Record<string, string>>;
}

/** Non-lifecycle fields, writable only while the agent is live. */
export interface AgentInfoPatch {
  readonly intent?: string | null;
  readonly lastOutput?: string | null;
  readonly usage?: TokenUsage | null;
  readonly resumeToken?: string | null;
  readonly currentRunId?: string | null;
}

export abstract class AgentRepository {
  /** Creates the agent and its first lifecycle event atomically; AgentAlreadyExistsError on a duplicate name. */
  abstract create(request: CreateAgentRequest): Promise<{ agent: Agent; event: AgentEvent }>;
  /** AgentNotFoundError when absent. */
  abstract get(name: string): Promise<Agent>;
  abstract find(name: string): Promise<Agent | null>;
  abstract list(filter: AgentFilter, page: PageRequest): Promise<Page<Agent>>;
  abstract count(filter: AgentFilter): Promise<number>;
  /**
   * A guarded, conditional write: applied only when the agent's status allows the trigger at the
   * moment of the write. Exactly one of several racing writers wins; only the winner's event is
   * appended. AgentNotFoundError when absent.
   */
  abstract transition(request: TransitionRequest): Promise<TransitionResult>;
  /** Updates info fields of a live agent; AgentTransitionInvalidError when it is terminal. */
  abstract update(name: string, patch: AgentInfoPatch): Promise<Agent>;
  /** Removes a terminal agent with its runs, messages and credentials; false when absent. */
  abstract delete(name: string): Promise<boolean>;
}

// ---------------------------------------------------------------- events

export interface EventQuery {
  /** Events with id strictly greater than this (the cursor). */
  readonly after?: number;
  readonly agent?: string;
  /** 1..EVENT_LIMITS.pageMax */
  readonly limit: number;
}

export abstract class EventRepository {
  abstract append(draft: EventDraft): Promise<AgentEvent>;
  /** Oldest first. */
  abstract list(query: EventQuery): Promise<AgentEvent[]>;
  /** 0 when there is none. */
  abstract latestId(): Promise<number>;
}

// ---------------------------------------------------------------- messages

export abstract class MessageRepository {
  abstract send(draft: MessageDraft): Promise<Message>;
  /** Returns unread messages oldest first and moves the recipient's read cursor past them, atomically. */
  abstract readUnread(recipient: string, limit: number): Promise<Message[]>;
  /** Messages to the recipient (read and unread) after `after`, oldest first; does not move the cursor. */
  abstract list(recipient: string, query: { after?: number; limit: number }): Promise<Message[]>;
  abstract unreadCount(recipient: string): Promise<number>;
}

// ---------------------------------------------------------------- runs

export abstract class RunRepository {
  /** Numbers the run (seq) after the agent's previous ones. */
  abstract create(draft: RunDraft): Promise<Run>;
  /** Conditional on the run still running; returns the run and whether this call finished it. */
  abstract finish(id: string, finish: RunFinish): Promise<{ applied: boolean; run: Run }>;
  abstract get(id: string): Promise<Run>;
  abstract listForAgent(agent: string): Promise<Run[]>;
  /**
   * Records the runtime backend's handle (`<backend>:<id>`, see `formatRunHandle`) on a running
   * run, replacing any earlier one, and returns the run. ValidationError RUN_HANDLE_INVALID for a
   * handle that is empty, longer than RUN_LIMITS.handleChars or has control characters;
   * RunNotFoundError when absent; RunNotRunningError once the run has finished.
   */
  abstract attachHandle(id: string, handle: string): Promise<Run>;
}

// ---------------------------------------------------------------- missions

/**
 * The durable side of the queue: missions survive restarts, and their attempt numbers fence stale
 * workers. Every write is one conditional update, so of several racing writers exactly one applies.
 * Bad arguments (see `newMissionRecord`, `checkMissionAttempt`) are ValidationError MISSION_INVALID
 * and write nothing.
 */
export abstract class MissionRepository {
  /** Inserts a pending mission with attempt 0. Duplicate id → InvariantViolationError; unknown agent → AgentNotFoundError. */
  abstract create(draft: MissionDraft): Promise<MissionRecord>;
  /** MissionNotFoundError (code MISSION_NOT_FOUND, not_found) when absent. */
  abstract get(id: string): Promise<MissionRecord>;
  /**
   * Compare-and-set: when the mission is pending or claimed AND its attempt equals expectedAttempt,
   * sets status claimed and attempt = expectedAttempt + 1 and returns the new record; otherwise null
   * (another worker claimed it first, or it is finished/cancelled, or it does not exist). A claimed
   * mission may be claimed again (re-dispatch after a lost lease) — that is what makes the older
   * attempt stale.
   */
  abstract claim(id: string, expectedAttempt: number, at: Date): Promise<MissionRecord | null>;
  /** Applied (true) only when the mission is claimed at exactly `attempt`; a stale attempt (or an absent mission) gets false and changes nothing. */
  abstract finish(id: string, attempt: number, status: MissionResult, at: Date): Promise<boolean>;
  /** pending or claimed → cancelled; true when applied (false when finished, cancelled or absent). */
  abstract cancel(id: string, at: Date): Promise<boolean>;
  /** pending and claimed missions, oldest first (creation order), at most `limit` (1..PAGE_MAX). */
  abstract listOpen(limit: number): Promise<MissionRecord[]>;
  /** Open (pending/claimed) missions of one agent, oldest first. */
  abstract listOpenForAgent(agent: string): Promise<MissionRecord[]>;
}

// ---------------------------------------------------------------- gateway credentials

export abstract class CredentialRepository {
  abstract issue(credential: Omit<GatewayCredential, 'revokedAt'>): Promise<GatewayCredential>;
  abstract findByHash(tokenHash: string): Promise<GatewayCredential | null>;
  /** Revokes every active credential of the agent; returns how many. */
  abstract revokeForAgent(agent: string, at: Date): Promise<number>;
}

// ---------------------------------------------------------------- queue

export interface MissionLease {
  readonly mission: Mission;
  /** Aborted when the lease is lost or the mission is cancelled. */
  readonly signal: AbortSignal;
}

export type MissionHandler = (lease: MissionLease) => Promise<void>;

export abstract class MissionQueue {
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract enqueue(mission: Mission): Promise<void>;
  /** True when a pending mission was removed or a running one signalled. */
  abstract cancel(missionId: string): Promise<boolean>;
  abstract work(handler: MissionHandler, options: { concurrency: number }): Promise<void>;
}

// ---------------------------------------------------------------- runtime backends

export interface ProcessSpec {
  readonly agent: string;
  readonly run: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The complete environment (built from an allow-list, never the whole host env). */
  readonly env: Readonly<Record<string, string>>;
  readonly stdoutPath: string;
  readonly stderrPath: string;
}

export interface RuntimeHandle {
  readonly backend: string;
  /** pid, Job name, … */
  readonly id: string;
}

export interface RuntimeExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /**
   * Set when the program could not be started at all, found out after start() had resolved (a
   * local program that vanished or whose `#!` interpreter is missing; exitCode and signal are then
   * null). A start failure counts as a failure of the run, with this as its reason.
   */
  readonly error?: string;
}

export abstract class RuntimeBackend {
  abstract readonly kind: string;
  abstract start(spec: ProcessSpec): Promise<RuntimeHandle>;
  abstract wait(handle: RuntimeHandle, signal?: AbortSignal): Promise<RuntimeExit>;
  /** SIGTERM (or delete) then force after `graceMs`. */
  abstract stop(handle: RuntimeHandle, graceMs: number): Promise<void>;
  abstract isAlive(handle: RuntimeHandle): Promise<boolean>;
}

// ---------------------------------------------------------------- workspaces

export interface WorkspaceInfo {
  readonly kind: 'git-worktree' | 'directory';
  readonly path: string;
  readonly branch: string | null;
  readonly baseBranch: string | null;
}

export type MergeResult =
  | { readonly merged: true; readonly commit: string }
  | { readonly merged: false; readonly conflicts: readonly string[] };

export interface PrepareOptions {
  /** The branch a git worktree starts from; default the repository's current branch. */
  readonly baseBranch?: string | null;
  /**
   * Work that only needs to know where the workspace will be, done side by side with creating it
   * (a `git worktree add` takes most of a spawn): called once the place is decided and every check
   * has passed, so a refused prepare never calls it. prepare settles after both have; when either
   * fails, the workspace is undone and prepare rejects (with the workspace's own error first).
   * What `alongside` did is the caller's to undo.
   */
  readonly alongside?: ((planned: WorkspaceInfo) => Promise<void>) | undefined;
}

export abstract class WorkspaceProvider {
  abstract prepare(agent: string, options: PrepareOptions): Promise<WorkspaceInfo>;
  abstract remove(workspace: WorkspaceInfo, options: { keepFiles: boolean }): Promise<void>;
  abstract merge(workspace: WorkspaceInfo): Promise<MergeResult>;
}
