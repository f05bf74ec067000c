import { createHash } from 'node:crypto';

import type {
  AgentDraft,
  EventDraft,
  GatewayCredential,
  MessageDraft,
  MissionDraft,
  RunDraft,
} from '@fracta/domain';

import { TEST_EPOCH } from './clock.js';

let agentCount = 0;
let runCount = 0;
let credentialCount = 0;
let missionCount = 0;
let tokenCount = 0;

function pad(n: number): string {
  return String(n).padStart(4, '0');
}

function epoch(): Date {
  return new Date(TEST_EPOCH.getTime());
}

/** A valid agent draft with a name no other call in this module instance returns (`agent-0001`, …). */
export function anAgentDraft(overrides: Partial<AgentDraft> = {}): AgentDraft {
  agentCount += 1;
  return { name: `agent-${pad(agentCount)}`, runtime: 'command', ...overrides };
}

/** A valid, unremarkable event draft at TEST_EPOCH. */
export function anEventDraft(overrides: Partial<EventDraft> = {}): EventDraft {
  return {
    ts: epoch(),
    component: 'test',
    category: 'agent',
    resource: 'agent/test',
    action: 'test.happened',
    outcome: 'success',
    severity: 'info',
    agent: null,
    run: null,
    attrs: {},
    ...overrides,
  };
}

/** A message from the host to `agent-0001` at TEST_EPOCH. */
export function aMessageDraft(overrides: Partial<MessageDraft> = {}): MessageDraft {
  return { from: 'host', to: 'agent-0001', body: 'hello', createdAt: epoch(), ...overrides };
}

/** An initial run of `agent` with a fresh id (`run-f0001`, …) at TEST_EPOCH. */
export function aRunDraft(overrides: Partial<RunDraft> & Pick<RunDraft, 'agent'>): RunDraft {
  runCount += 1;
  return { id: `run-f${pad(runCount)}`, kind: 'initial', startedAt: epoch(), ...overrides };
}

/** A pending-to-be mission of `agent`: fresh id (`mission-f0001`, …), initial run, a prompt, empty payload, at TEST_EPOCH. */
export function aMissionDraft(overrides: Partial<MissionDraft> & Pick<MissionDraft, 'agent'>): MissionDraft {
  missionCount += 1;
  return {
    id: `mission-f${pad(missionCount)}`,
    runKind: 'initial',
    prompt: 'do the task',
    payload: {},
    createdAt: epoch(),
    ...overrides,
  };
}

/** The hex SHA-256 of `token` (a fresh `token-0001`, … when none is given), as a credential stores it. */
export function aTokenHash(token?: string): string {
  if (token === undefined) tokenCount += 1;
  return createHash('sha256')
    .update(token ?? `token-${pad(tokenCount)}`)
    .digest('hex');
}

/** A credential to issue for `agent`: fresh id (`credential-f0001`, …) and token hash, no expiry. */
export function aCredentialDraft(
  overrides: Partial<Omit<GatewayCredential, 'revokedAt'>> & Pick<GatewayCredential, 'agent'>,
): Omit<GatewayCredential, 'revokedAt'> {
  credentialCount += 1;
  return {
    id: `credential-f${pad(credentialCount)}`,
    tokenHash: aTokenHash(),
    createdAt: epoch(),
    expiresAt: null,
    ...overrides,
  };
}
