import { readdirSync, readFileSync } from 'node:fs';

import type { AgentView } from '@fracta/api-contract';

import type { Harness } from './harness.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Polls the agent until it has `status`; fails fast when it reaches another terminal status. */
export async function waitForStatus(
  cp: Pick<Harness, 'json'>,
  name: string,
  status: AgentView['status'],
  timeoutMs = 20_000,
): Promise<AgentView> {
  const deadline = Date.now() + timeoutMs;
  let last: AgentView | null = null;
  while (Date.now() < deadline) {
    const response = await cp.json<AgentView>('GET', `/api/v1/agents/${name}`);
    if (response.status === 200) {
      last = response.body;
      if (last.status === status) return last;
      const terminal = ['completed', 'failed', 'stopped'];
      if (terminal.includes(last.status) && terminal.includes(status)) {
        throw new Error(`agent ${name} ended ${last.status}, not ${status}: ${last.failure_reason ?? ''}`);
      }
    }
    await sleep(25);
  }
  throw new Error(`timed out waiting for agent ${name} to be ${status}; last seen ${JSON.stringify(last)}`);
}

/** Pids of live processes whose environment has NAME=value (how a test finds an agent's processes). */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(wanted)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** The first word of a process's command line ('' when it is gone). */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

/**
 * The pid of an agent's program once it has exec'd `command` (not its supervisor, nor the fork on
 * its way to exec): Running is recorded once the supervisor is up, a moment before that.
 */
export function programOf(agent: string, command: string): number | undefined {
  return processesWithEnv('FRACTA_AGENT', agent).find((pid) => commandOf(pid) === command);
}
