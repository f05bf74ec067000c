/**
 * The rules every store applies to what it is asked to persist: the shape of a new agent record
 * and of a new mission, and the validity of events, messages, run handles, mission writes and
 * page sizes. Stores persist; the domain decides.
 */
import { assertAgentName, boundHead, isValidAgentName, LIMITS, validateLabels, type Agent } from './agent.js';
import { type GatewayCredential, validateCredentialDraft } from './credential.js';
import { ValidationError } from './errors.js';
import { EVENT_LIMITS, EVENT_OUTCOMES, EVENT_SEVERITIES, type EventDraft } from './event.js';
import { lifecycleEvent, targetStatus } from './lifecycle.js';
import type { MessageDraft } from './message.js';
import {
  MISSION_LIMITS,
  MISSION_RESULTS,
  type MissionDraft,
  type MissionRecord,
  type MissionResult,
} from './mission.js';
import type { CreateAgentRequest, TransitionRequest } from './ports.js';
import { RUN_KINDS, RUN_LIMITS, type RunDraft } from './run.js';

/** The record a store writes for `create`: validated name and labels, every default filled. */
export function newAgentRecord(request: CreateAgentRequest): Agent {
  const { draft, trigger, at } = request;
  return {
    name: assertAgentName(draft.name),
    runtime: draft.runtime,
    mode: draft.mode ?? 'batch',
    status: targetStatus(trigger),
    workspacePath: draft.workspacePath ?? null,
    branch: draft.branch ?? null,
    baseBranch: draft.baseBranch ?? null,
    resumeToken: null,
    intent: null,
    lastOutput: null,
    parentAgent: draft.parentAgent ?? null,
    labels: validateLabels(draft.labels ?? {}),
    createdAt: new Date(at.getTime()),
    startedAt: trigger === 'start' ? new Date(at.getTime()) : null,
    finishedAt: null,
    exitCode: null,
    failureReason: null,
    usage: null,
    currentRunId: request.run ?? null,
  };
}

/** The one event `create` appends. */
export function creationEvent(request: CreateAgentRequest): EventDraft {
  return lifecycleEvent({
    agent: request.draft.name,
    run: request.run ?? null,
    from: null,
    trigger: request.trigger,
    at: request.at,
    attrs: { ...request.attrs, runtime: request.draft.runtime },
  });
}

/** ValidationError PAGE_LIMIT_INVALID unless `limit` is an integer in 1..max. */
export function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValidationError(
      'PAGE_LIMIT_INVALID',
      `limit must be an integer from 1 to ${max}, got ${limit}`,
      {
        limit,
        max,
      },
    );
  }
  return limit;
}

export function validateEventDraft(draft: EventDraft): void {
  const invalid = (message: string, field: string) =>
    new ValidationError('EVENT_INVALID', message, { field });
  for (const field of ['component', 'category', 'resource', 'action'] as const) {
    const value = draft[field];
    if (value.length === 0 || value.length > EVENT_LIMITS.fieldChars) {
      throw invalid(`event ${field} must be 1-${EVENT_LIMITS.fieldChars} characters`, field);
    }
  }
  if (!EVENT_OUTCOMES.includes(draft.outcome)) {
    throw invalid(`event outcome must be one of ${EVENT_OUTCOMES.join(', ')}`, 'outcome');
  }
  if (!EVENT_SEVERITIES.includes(draft.severity)) {
    throw invalid(`event severity must be one of ${EVENT_SEVERITIES.join(', ')}`, 'severity');
  }
  if (Number.isNaN(draft.ts.getTime())) throw invalid('event ts must be a valid date', 'ts');
  const attrs = Object.entries(draft.attrs);
  if (attrs.length > EVENT_LIMITS.attrs) {
    throw invalid(`an event has at most ${EVENT_LIMITS.attrs} attrs, got ${attrs.length}`, 'attrs');
  }
  for (const [key, value] of attrs) {
    if (typeof value !== 'string' || value.length > EVENT_LIMITS.attrValueChars) {
      throw invalid(
        `event attr "${key.slice(0, 80)}" must be a string of at most ${EVENT_LIMITS.attrValueChars} characters`,
        'attrs',
      );
    }
  }
}

export function validateMessageDraft(draft: MessageDraft): void {
  for (const field of ['from', 'to'] as const) {
    if (!isValidAgentName(draft[field])) {
      throw new ValidationError(
        'MESSAGE_INVALID',
        `message ${field} must be an agent or mailbox name, got ${JSON.stringify(draft[field].slice(0, 80))}`,
        { field },
      );
    }
  }
  if (draft.body.length === 0 || draft.body.length > LIMITS.messageBodyChars) {
    throw new ValidationError(
      'MESSAGE_INVALID',
      `message body must be 1-${LIMITS.messageBodyChars} characters, got ${draft.body.length}`,
      { bodyChars: draft.body.length },
    );
  }
  if (Number.isNaN(draft.createdAt.getTime())) {
    throw new ValidationError('MESSAGE_INVALID', 'message createdAt must be a valid date');
  }
}

// ---------------------------------------------------------------- text

const CONTROL_CHARACTER = /\p{Cc}/u;
/** With the u flag, \p{Cs} matches only unpaired surrogates (which UTF-8 cannot encode). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Bytes of the UTF-8 encoding (an unpaired surrogate counts as the 3 bytes of U+FFFD). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// ---------------------------------------------------------------- runs

/** ValidationError RUN_HANDLE_INVALID unless `handle` is 1..RUN_LIMITS.handleChars characters without control characters. */
export function validateRunHandle(handle: string): string {
  const invalid = (reason: string) =>
    new ValidationError('RUN_HANDLE_INVALID', `invalid run handle: ${reason}`, {
      chars: typeof handle === 'string' ? handle.length : null,
    });
  if (typeof handle !== 'string') throw invalid('it must be a string of the form <backend>:<id>');
  if (handle.length === 0 || handle.length > RUN_LIMITS.handleChars) {
    throw invalid(`it must be 1-${RUN_LIMITS.handleChars} characters, got ${handle.length}`);
  }
  if (CONTROL_CHARACTER.test(handle)) throw invalid('it must not contain control characters');
  if (LONE_SURROGATE.test(handle)) throw invalid('it must be well-formed Unicode (an unpaired surrogate)');
  return handle;
}

/**
 * The credential a run is created with, checked as `CredentialRepository.issue` checks one and
 * required to be the run's agent's (ValidationError CREDENTIAL_INVALID); null when there is none.
 */
export function runCredentialOf(draft: RunDraft): Omit<GatewayCredential, 'revokedAt'> | null {
  if (draft.credential === undefined) return null;
  const credential = validateCredentialDraft(draft.credential);
  if (credential.agent !== draft.agent) {
    throw new ValidationError(
      'CREDENTIAL_INVALID',
      `the run's credential must be its agent's (${draft.agent}), not ${credential.agent}'s`,
    );
  }
  return credential;
}

/**
 * The run handle a transition records (see TransitionRequest.runHandle), validated as
 * `validateRunHandle` does; it needs the transition's `run` (RUN_HANDLE_INVALID without one). Null
 * when the transition records none.
 */
export function transitionRunHandle(request: TransitionRequest): string | null {
  if (request.runHandle === undefined) return null;
  const handle = validateRunHandle(request.runHandle);
  if (request.run === undefined || request.run === null)
    throw new ValidationError('RUN_HANDLE_INVALID', 'a transition that records a run handle names its run');
  return handle;
}

// ---------------------------------------------------------------- missions

function missionInvalid(field: string, message: string): ValidationError {
  return new ValidationError('MISSION_INVALID', `mission ${message}`, { field });
}

/** Throws unless `value` survives a JSON round trip unchanged (a finite number, never undefined, a Date or a Map). */
function checkJsonValue(value: unknown, path: string, depth: number): void {
  const where = () => boundHead(path, 120);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (Number.isFinite(value)) return;
      throw missionInvalid('payload', `${where()} must be a finite number, got ${String(value)}`);
    case 'object': {
      if (value === null) return;
      if (depth > MISSION_LIMITS.payloadDepth) {
        throw missionInvalid(
          'payload',
          `payload nests objects and arrays more than ${MISSION_LIMITS.payloadDepth} deep (or is circular) at ${where()}`,
        );
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) checkJsonValue(value[i], `${path}[${i}]`, depth + 1);
        return;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        throw missionInvalid(
          'payload',
          `${where()} must be a plain object, array or JSON value, got ${describeObject(value)}`,
        );
      }
      if (Object.getOwnPropertySymbols(value).length > 0) {
        throw missionInvalid('payload', `${where()} has symbol keys, which JSON drops`);
      }
      for (const [key, child] of Object.entries(value)) checkJsonValue(child, `${path}.${key}`, depth + 1);
      return;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      throw missionInvalid('payload', `${where()} is ${typeof value}, which JSON cannot hold`);
  }
}

function describeObject(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a custom prototype';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * The record a store writes for `MissionRepository.create`: pending, attempt 0, updatedAt equal
 * to createdAt, and a payload that is a fresh copy of the given one as JSON. ValidationError
 * MISSION_INVALID (with the offending `field` in its details) for a bad id, run kind, prompt,
 * payload or creation time.
 */
export function newMissionRecord(draft: MissionDraft): MissionRecord {
  const { id, prompt, payload } = draft;
  if (typeof id !== 'string' || id.length === 0 || id.length > MISSION_LIMITS.idChars) {
    throw missionInvalid('id', `id must be 1-${MISSION_LIMITS.idChars} characters`);
  }
  if (CONTROL_CHARACTER.test(id) || LONE_SURROGATE.test(id)) {
    throw missionInvalid('id', 'id must not contain control characters or unpaired surrogates');
  }
  if (typeof draft.agent !== 'string') throw missionInvalid('agent', 'agent must be an agent name');
  if (!(RUN_KINDS as readonly string[]).includes(draft.runKind)) {
    throw missionInvalid('runKind', `runKind must be one of ${RUN_KINDS.join(', ')}`);
  }
  if (prompt !== null) {
    if (typeof prompt !== 'string') throw missionInvalid('prompt', 'prompt must be a string or null');
    if (prompt.length > MISSION_LIMITS.promptBytes || utf8Length(prompt) > MISSION_LIMITS.promptBytes) {
      throw missionInvalid('prompt', `prompt must be at most ${MISSION_LIMITS.promptBytes} bytes of UTF-8`);
    }
    // Postgres text cannot hold NUL, and UTF-8 cannot hold an unpaired surrogate.
    if (prompt.includes('\u0000') || LONE_SURROGATE.test(prompt)) {
      throw missionInvalid('prompt', 'prompt must be well-formed Unicode without NUL characters');
    }
  }
  if (!isPlainObject(payload)) throw missionInvalid('payload', 'payload must be a plain JSON object');
  checkJsonValue(payload, 'payload', 1);
  const json = JSON.stringify(payload);
  if (json.length > MISSION_LIMITS.payloadBytes || utf8Length(json) > MISSION_LIMITS.payloadBytes) {
    throw missionInvalid(
      'payload',
      `payload must be at most ${MISSION_LIMITS.payloadBytes} bytes as JSON, got ${utf8Length(json)}`,
    );
  }
  if (!isValidDate(draft.createdAt)) throw missionInvalid('createdAt', 'createdAt must be a valid date');
  return {
    id,
    agent: draft.agent,
    runKind: draft.runKind,
    attempt: 0,
    prompt,
    payload: JSON.parse(json) as Record<string, unknown>,
    createdAt: new Date(draft.createdAt.getTime()),
    status: 'pending',
    updatedAt: new Date(draft.createdAt.getTime()),
  };
}

/** ValidationError MISSION_INVALID unless `attempt` is a non-negative integer whose successor is exact. */
export function checkMissionAttempt(attempt: number): number {
  if (!Number.isSafeInteger(attempt) || attempt < 0 || attempt >= Number.MAX_SAFE_INTEGER) {
    throw missionInvalid('attempt', `attempt must be a non-negative integer, got ${String(attempt)}`);
  }
  return attempt;
}

/** ValidationError MISSION_INVALID unless `status` is how a claimed mission may end. */
export function checkMissionResult(status: MissionResult): MissionResult {
  if (!(MISSION_RESULTS as readonly string[]).includes(status)) {
    throw missionInvalid(
      'status',
      `a mission finishes as ${MISSION_RESULTS.join(' or ')}, not ${JSON.stringify(status)}`,
    );
  }
  return status;
}

/** ValidationError MISSION_INVALID unless `at` is a valid date. */
export function checkMissionTime(at: Date): Date {
  if (!isValidDate(at)) throw missionInvalid('at', 'the time of a mission write must be a valid date');
  return at;
}
