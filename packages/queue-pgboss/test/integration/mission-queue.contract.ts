/**
 * What every MissionQueue adapter promises the control plane, as a suite any adapter can run:
 * FIFO-ish delivery to one handler at a bounded concurrency, idempotent enqueue, cancellation of
 * queued and running missions, errors reported and survived, and a stop that aborts running
 * leases and waits for them. It holds nothing pg-boss specific, so the in-process queue of local
 * mode can run it too once it moves next to the store contract (@fracta/testing/contract).
 */
import type { Mission, MissionLease, MissionQueue } from '@fracta/domain';
import { afterEach, describe, expect, it } from '@jest/globals';

interface ContractQueue {
  readonly queue: MissionQueue;
  /** What the queue reported through its onError hook. */
  readonly errors: readonly { readonly mission: Mission; readonly error: Error }[];
}

export interface ContractSubject {
  /** A started queue of its own (nothing else enqueues to it). */
  readonly make: () => Promise<ContractQueue>;
  readonly mission: (overrides?: Partial<Mission>) => Mission;
  /** How long to watch for something that must not happen. */
  readonly quietMs: number;
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function describeMissionQueueContract(name: string, subject: ContractSubject): void {
  describe(`MissionQueue contract: ${name}`, () => {
    const open: MissionQueue[] = [];

    async function make(): Promise<ContractQueue> {
      const made = await subject.make();
      open.push(made.queue);
      return made;
    }

    afterEach(async () => {
      await Promise.all(open.splice(0).map((queue) => queue.stop()));
    });

    it('should deliver an enqueued mission with every field intact', async () => {
      const { queue } = await make();
      const delivered: Mission[] = [];
      await queue.work(
        ({ mission }) => {
          delivered.push(mission);
          return Promise.resolve();
        },
        { concurrency: 1 },
      );
      const mission = subject.mission({
        prompt: null,
        runKind: 'say',
        attempt: 2,
        payload: { a: [1, { b: 'c' }] },
      });
      await queue.enqueue(mission);
      await until('the delivery', () => delivered.length === 1);
      expect(delivered[0]).toEqual(mission);
      expect(delivered[0]?.createdAt).toBeInstanceOf(Date);
    });

    it('should run at most `concurrency` handlers at once, and every mission', async () => {
      const { queue } = await make();
      let running = 0;
      let peak = 0;
      const done: string[] = [];
      await queue.work(
        async ({ mission }) => {
          running += 1;
          peak = Math.max(peak, running);
          await pause(60);
          running -= 1;
          done.push(mission.id);
        },
        { concurrency: 3 },
      );
      const missions = Array.from({ length: 12 }, () => subject.mission());
      for (const mission of missions) await queue.enqueue(mission);
      await until('all twelve', () => done.length === 12);
      expect(peak).toBe(3);
      expect(done.sort()).toEqual(missions.map((m) => m.id).sort());
    });

    it('should deliver missions enqueued before work() once a handler is there', async () => {
      const { queue } = await make();
      const missions = [subject.mission(), subject.mission()];
      for (const mission of missions) await queue.enqueue(mission);
      const delivered: string[] = [];
      await queue.work(
        ({ mission }) => {
          delivered.push(mission.id);
          return Promise.resolve();
        },
        { concurrency: 2 },
      );
      await until('both', () => delivered.length === 2);
      expect(delivered.sort()).toEqual(missions.map((m) => m.id).sort());
    });

    it('should deliver a mission once when it is enqueued again while queued or running', async () => {
      const { queue } = await make();
      const mission = subject.mission();
      await queue.enqueue(mission);
      await queue.enqueue(mission);
      const deliveries: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await queue.work(
        async ({ mission: got }) => {
          deliveries.push(got.id);
          await held;
        },
        { concurrency: 2 },
      );
      await until('the delivery', () => deliveries.length === 1);
      await queue.enqueue(mission);
      await pause(subject.quietMs);
      release();
      await pause(subject.quietMs);
      expect(deliveries).toEqual([mission.id]);
    });

    it('should never start a mission cancelled while it was queued', async () => {
      const { queue } = await make();
      const cancelled = subject.mission();
      const kept = subject.mission();
      await queue.enqueue(cancelled);
      await queue.enqueue(kept);
      await expect(queue.cancel(cancelled.id)).resolves.toBe(true);
      const delivered: string[] = [];
      await queue.work(
        ({ mission }) => {
          delivered.push(mission.id);
          return Promise.resolve();
        },
        { concurrency: 2 },
      );
      await until('the kept mission', () => delivered.includes(kept.id));
      await pause(subject.quietMs);
      expect(delivered).toEqual([kept.id]);
    });

    it("should abort a running mission's signal when it is cancelled", async () => {
      const { queue } = await make();
      const mission = subject.mission();
      let lease: MissionLease | null = null;
      let returned = false;
      await queue.work(
        async (given) => {
          lease = given;
          await new Promise((resolve) => {
            given.signal.addEventListener('abort', resolve, { once: true });
          });
          returned = true;
        },
        { concurrency: 1 },
      );
      await queue.enqueue(mission);
      await until('the delivery', () => lease !== null);
      expect(lease!.signal.aborted).toBe(false);
      await expect(queue.cancel(mission.id)).resolves.toBe(true);
      await until('the abort', () => returned);
      expect(lease!.signal.aborted).toBe(true);
    });

    it('should answer false when cancelling a mission it never had', async () => {
      const { queue } = await make();
      await expect(queue.cancel('mission-nobody-sent')).resolves.toBe(false);
    });

    it('should report a handler that throws and keep delivering', async () => {
      const made = await make();
      const failing = subject.mission();
      const next = subject.mission();
      const delivered: string[] = [];
      await made.queue.work(
        ({ mission }) => {
          delivered.push(mission.id);
          return mission.id === failing.id ? Promise.reject(new Error('handler broke')) : Promise.resolve();
        },
        { concurrency: 1 },
      );
      await made.queue.enqueue(failing);
      await until('the report', () => made.errors.length === 1);
      await made.queue.enqueue(next);
      await until('the next mission', () => delivered.includes(next.id));
      expect(made.errors[0]?.mission.id).toBe(failing.id);
      expect(made.errors[0]?.error.message).toBe('handler broke');
    });

    it('should abort running handlers on stop and resolve only once they have returned', async () => {
      const { queue } = await make();
      const mission = subject.mission();
      let started = false;
      let returned = false;
      let reason: unknown = null;
      await queue.work(
        async ({ signal }) => {
          started = true;
          await new Promise((resolve) => {
            signal.addEventListener('abort', resolve, { once: true });
          });
          reason = signal.reason;
          await pause(100);
          returned = true;
        },
        { concurrency: 1 },
      );
      await queue.enqueue(mission);
      await until('the start', () => started);
      await queue.stop();
      expect(returned).toBe(true);
      expect(reason).toBeInstanceOf(Error);
    });

    it('should refuse a concurrency that is not a positive integer', async () => {
      const { queue } = await make();
      const handler = () => Promise.resolve();
      for (const concurrency of [0, -1, 1.5, Number.NaN]) {
        await expect(Promise.resolve().then(() => queue.work(handler, { concurrency }))).rejects.toThrow(
          /concurrency must be a positive integer/,
        );
      }
    });
  });
}
