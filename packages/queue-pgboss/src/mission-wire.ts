/**
 * The job payload: a Mission as JSON, version-tagged, checked with zod when it is sent and again
 * when a worker receives it (another process, another version, or a hand-made job may have
 * written it). The limits are the state store's (MISSION_LIMITS), so anything the store accepted
 * fits.
 */
import { Buffer } from 'node:buffer';

import { MISSION_LIMITS, RUN_KINDS, ValidationError, type Mission } from '@fracta/domain';
import { z } from 'zod';

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const missionWire = z
  .object({
    v: z.literal(1),
    id: z.string().min(1).max(MISSION_LIMITS.idChars),
    agent: z.string().min(1).max(256),
    runKind: z.enum(RUN_KINDS),
    attempt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    prompt: z
      .string()
      .refine((prompt) => utf8Bytes(prompt) <= MISSION_LIMITS.promptBytes, {
        message: `at most ${MISSION_LIMITS.promptBytes} bytes of UTF-8`,
      })
      .nullable(),
    payload: z
      .record(z.string(), z.unknown())
      .refine((payload) => utf8Bytes(JSON.stringify(payload)) <= MISSION_LIMITS.payloadBytes, {
        message: `at most ${MISSION_LIMITS.payloadBytes} bytes as JSON`,
      }),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .strict();

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) as string | undefined);
  return (text ?? String(value)).slice(0, 80);
}

export type MissionWire = z.infer<typeof missionWire>;

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(mission)'}: ${issue.message}`).join('; ');
}

/** The job data for `mission`; ValidationError MISSION_QUEUE_PAYLOAD_INVALID when it is not a valid mission. */
export function toWire(mission: Mission): MissionWire {
  const createdAt = mission.createdAt instanceof Date ? mission.createdAt : new Date(Number.NaN);
  const candidate = {
    v: 1,
    id: mission.id,
    agent: mission.agent,
    runKind: mission.runKind,
    attempt: mission.attempt,
    prompt: mission.prompt,
    payload: mission.payload,
    createdAt: Number.isNaN(createdAt.getTime()) ? 'invalid date' : createdAt.toISOString(),
  };
  const parsed = missionWire.safeParse(candidate);
  if (!parsed.success) {
    // The type says string; a JavaScript caller may still hand anything over.
    const id = preview(candidate.id);
    throw new ValidationError(
      'MISSION_QUEUE_PAYLOAD_INVALID',
      `mission ${JSON.stringify(id)} cannot be queued: ${describe(parsed.error)}`,
      { mission: id },
    );
  }
  return parsed.data;
}

export type WireResult =
  { readonly ok: true; readonly mission: Mission } | { readonly ok: false; readonly problem: string };

/** The mission in a received job's data, or what is wrong with it. */
export function fromWire(data: unknown): WireResult {
  const parsed = missionWire.safeParse(data);
  if (!parsed.success) return { ok: false, problem: describe(parsed.error) };
  const { id, agent, runKind, attempt, prompt, payload, createdAt } = parsed.data;
  return {
    ok: true,
    mission: { id, agent, runKind, attempt, prompt, payload, createdAt: new Date(createdAt) },
  };
}
