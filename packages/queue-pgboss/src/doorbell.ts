/**
 * Wakes one waiting loop: `ring()` from anywhere (a NOTIFY, a freed slot, stop), `wait()` in the
 * loop. A ring while nobody waits is kept for the next wait, so no wake-up is lost between the
 * loop's check and its wait.
 */
export class Doorbell {
  #rung = false;
  #wake: (() => void) | null = null;

  ring(): void {
    this.#rung = true;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Resolves true on a ring (at once when one came since the last wait), false after `timeoutMs` (null: no timeout). */
  async wait(timeoutMs: number | null): Promise<boolean> {
    if (this.#rung) {
      this.#rung = false;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const rung = await new Promise<boolean>((resolve) => {
      this.#wake = () => {
        resolve(true);
      };
      if (timeoutMs !== null) {
        timer = setTimeout(() => {
          this.#wake = null;
          resolve(false);
        }, timeoutMs);
      }
    });
    clearTimeout(timer);
    this.#rung = false;
    return rung;
  }
}
