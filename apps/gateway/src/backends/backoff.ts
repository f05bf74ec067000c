/** Capped exponential backoff with jitter: attempt 0 waits about `baseMs`, each next one twice as long, never more than `maxMs`. */
export class Backoff {
  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    /** A number in [0, 1): the jitter source (Math.random in production, fixed in tests). */
    private readonly random: () => number = Math.random,
  ) {}

  delay(attempt: number): number {
    const exponential = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
    // Full delay minus up to a quarter: spreads retries without ever exceeding the cap.
    return Math.round(exponential * (1 - this.random() * 0.25));
  }
}
