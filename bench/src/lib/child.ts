/**
 * Helpers in their own process (load generators, HTTP drivers): so that what drives a server
 * never shares its event loop or its CPU time slice with the server under test.
 *
 * The parent forks a `*.child.js` entry and calls it request by request over IPC; the child
 * answers each with serveParent() and exits when the parent goes away (even if it crashed).
 */
import { fork } from 'node:child_process';

interface Envelope<T> {
  readonly id: number;
  readonly request: T;
}

type Answer<T> =
  | { readonly id: number; readonly ok: true; readonly result: T }
  | { readonly id: number; readonly ok: false; readonly error: string };

export interface ChildProcessHandle<Req, Res> {
  readonly pid: number;
  call(request: Req): Promise<Res>;
  /** Disconnects and waits for the child to exit (SIGKILL after 2 s). */
  close(): Promise<void>;
}

/** Forks `entry` (a built `*.child.js` file) with a clean execArgv (no inherited --cpu-prof). */
export async function startChild<Req, Res>(entry: URL): Promise<ChildProcessHandle<Req, Res>> {
  const child = fork(entry, [], { execArgv: [], serialization: 'advanced', stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${entry.pathname}`);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const pending = new Map<number, { resolve(value: Res): void; reject(error: Error): void }>();
  let next = 0;
  child.on('message', (raw) => {
    const answer = raw as Answer<Res>;
    const waiter = pending.get(answer.id);
    if (waiter === undefined) return;
    pending.delete(answer.id);
    if (answer.ok) waiter.resolve(answer.result);
    else waiter.reject(new Error(answer.error));
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${entry.pathname} exited`));
    pending.clear();
  });
  return {
    pid,
    call: (request) =>
      new Promise<Res>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        child.send({ id, request } satisfies Envelope<Req>);
      }),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child's side: answers each request with `handler`, one at a time, until the parent disconnects. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the child names the request type it serves
export function serveParent<Req, Res>(handler: (request: Req) => Promise<Res>): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('this file is a child process entry: run it through startChild()');
  let queue = Promise.resolve();
  process.on('message', (raw) => {
    const { id, request } = raw as Envelope<Req>;
    queue = queue.then(async () => {
      let answer: Answer<Res>;
      try {
        answer = { id, ok: true, result: await handler(request) };
      } catch (error) {
        answer = {
          id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        };
      }
      send(answer);
    });
  });
  process.once('disconnect', () => process.exit(0));
}
