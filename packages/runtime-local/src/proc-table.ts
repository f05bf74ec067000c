import { readFileSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';

/** The fields of /proc/<pid>/stat that fracta needs (Linux). */
export interface ProcStat {
  readonly pid: number;
  /** R, S, D, Z (zombie), T, … */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  /** Field 22: clock ticks after boot at which the process started; with the pid it names one process. */
  readonly startTime: string;
}

/** Parses /proc/<pid>/stat; the command name (field 2) may itself contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // fields from 3 (state) on
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const [state, ppid, pgrp, session] = rest;
  const startTime = rest[19];
  if (state === undefined || ppid === undefined || pgrp === undefined || session === undefined) return null;
  if (startTime === undefined || !/^\d+$/.test(startTime) || !Number.isInteger(pid)) return null;
  return { pid, state, ppid: Number(ppid), pgrp: Number(pgrp), session: Number(session), startTime };
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** Synchronous on purpose: right after spawn() the child cannot have been reaped yet. */
export function readProcStatSync(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
}

/** Read size for /proc/<pid>/stat: a line is a few hundred bytes; small reads come from Buffer's pool. */
const STAT_CHUNK = 1_024;

/**
 * /proc files report size 0, so readFile() reads them with a 64 KiB buffer each (and an fstat and
 * a second read): listing a few hundred processes allocated tens of MB for the garbage collector
 * on every poll of stop(). The kernel produces the whole line on the first read, so a read that
 * comes back short is the end.
 */
async function readProcFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.allocUnsafe(STAT_CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, STAT_CHUNK, null);
      chunks.push(chunk.subarray(0, bytesRead));
      if (bytesRead < STAT_CHUNK) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await handle.close();
  }
}

export async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readProcFile(`/proc/${pid}/stat`));
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
}

/** Every process visible in /proc. */
export async function listProcesses(): Promise<ProcStat[]> {
  const names = await readdir('/proc');
  const stats = await Promise.all(
    names.filter((name) => /^\d+$/.test(name)).map((name) => readProcStat(Number(name)).catch(() => null)),
  );
  return stats.filter((stat): stat is ProcStat => stat !== null);
}
