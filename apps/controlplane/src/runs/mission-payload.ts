/** What a mission carries besides its prompt: the spawn's choices that the run needs. */
import { InvariantViolationError } from '@fracta/domain';
import { z } from 'zod';

const missionPayloadSchema = z.strictObject({
  /** argv of a `command` agent. */
  command: z.array(z.string()).min(1).optional(),
  /** Overrides the runtime's configured model. */
  model: z.string().min(1).optional(),
});

export type MissionPayload = z.infer<typeof missionPayloadSchema>;

export function missionPayloadOf(payload: Readonly<Record<string, unknown>>): MissionPayload {
  const parsed = missionPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new InvariantViolationError(`mission payload is malformed: ${parsed.error.message.slice(0, 300)}`);
  }
  return parsed.data;
}

export function toMissionPayload(payload: MissionPayload): Record<string, unknown> {
  return { ...payload };
}
