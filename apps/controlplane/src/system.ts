import { randomBytes } from 'node:crypto';

import { Clock, IdGenerator, type IdKind } from '@fracta/domain';

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

const PREFIX: Record<IdKind, string> = { run: 'run', mission: 'mis', credential: 'cred', message: 'msg' };

/** Sortable, unique ids: `<kind>-<yyyymmdd-hhmmss>-<10 hex>` (the conductor-loop run id shape). */
export class TimestampIdGenerator extends IdGenerator {
  constructor(private readonly clock: Clock) {
    super();
  }

  next(kind: IdKind): string {
    const stamp = this.clock.now().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    return `${PREFIX[kind]}-${stamp}-${randomBytes(5).toString('hex')}`;
  }
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
