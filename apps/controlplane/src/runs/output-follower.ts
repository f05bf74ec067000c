/**
 * Follows a run's stdout file while the process runs and hands every complete line to a parser
 * (live progress: session id, text, tool calls, usage). `finish()` reads what is left after the
 * process ended, including a last line without a newline, so the parser sees the whole output.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

import { followFile } from '@fracta/run-records';

/** Longest line kept; a longer one is cut (the parsers count it as garbage). */
const MAX_LINE_CHARS = 8 * 1024 * 1024;

export class OutputFollower {
  readonly #path: string;
  readonly #onLine: (line: string) => void;
  readonly #abort = new AbortController();
  readonly #decoder = new StringDecoder('utf8');
  #offset = 0;
  #partial = '';
  #loop: Promise<void> | null = null;

  constructor(path: string, onLine: (line: string) => void) {
    this.#path = path;
    this.#onLine = onLine;
  }

  start(): void {
    this.#loop = (async () => {
      for await (const chunk of followFile(this.#path, { signal: this.#abort.signal, pollMs: 500 })) {
        if (chunk.start < this.#offset) this.#partial = '';
        this.#offset = chunk.end;
        this.#feed(this.#decoder.write(chunk.data));
      }
    })().catch(() => undefined);
  }

  /** Stops following and delivers the rest of the file. */
  async finish(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    try {
      const handle = await open(this.#path, 'r');
      try {
        for (;;) {
          const { buffer, bytesRead } = await handle.read(
            Buffer.alloc(256 * 1024),
            0,
            256 * 1024,
            this.#offset,
          );
          if (bytesRead === 0) break;
          this.#offset += bytesRead;
          this.#feed(this.#decoder.write(buffer.subarray(0, bytesRead)));
        }
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.#onLine(rest);
  }

  #feed(text: string): void {
    let buffer = this.#partial + text;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      this.#onLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
    this.#partial = buffer.length > MAX_LINE_CHARS ? buffer.slice(0, MAX_LINE_CHARS) : buffer;
  }
}
