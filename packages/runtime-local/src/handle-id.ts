import { type RuntimeHandle } from '@fracta/domain';

import { RuntimeHandleInvalidError } from './local-process.errors.js';

export const LOCAL_BACKEND_KIND = 'local';

/** A local handle: the supervisor's pid and its start time (field 22 of /proc/<pid>/stat). */
export interface ParsedHandle {
  readonly id: string;
  readonly pid: number;
  readonly startTime: string;
}

const HANDLE_ID = /^([1-9]\d{0,9}):(\d{1,20})$/;

export function formatHandleId(pid: number, startTime: string): string {
  return `${pid}:${startTime}`;
}

/** Checks a handle is this backend's and splits `<pid>:<starttime>`; throws RuntimeHandleInvalidError. */
export function parseHandle(handle: RuntimeHandle): ParsedHandle {
  if (handle.backend !== LOCAL_BACKEND_KIND) {
    throw new RuntimeHandleInvalidError(handle.id, `it belongs to the "${handle.backend}" backend`);
  }
  const match = HANDLE_ID.exec(handle.id);
  const pid = match ? Number(match[1]) : NaN;
  const startTime = match?.[2];
  // pid 1 is init: never an agent's supervisor, and signalling its group would be a disaster
  if (startTime === undefined || !Number.isSafeInteger(pid) || pid < 2 || pid > 0x7fffffff) {
    throw new RuntimeHandleInvalidError(handle.id, 'expected <pid>:<start time>, e.g. 12345:987654');
  }
  return { id: handle.id, pid, startTime };
}
