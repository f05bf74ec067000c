/**
 * Exactly one BackendConnection per `mcp_servers` entry, shared by every agent. `version` moves
 * whenever any backend's tool list or state changes, so the catalog knows when to rebuild.
 */
import type { BackendConfig } from '../config.js';

import {
  BackendConnection,
  type BackendConnectionOptions,
  type BackendStatus,
} from './backend-connection.js';

export class BackendPool {
  readonly #connections: ReadonlyMap<string, BackendConnection>;
  readonly #listeners = new Set<(backend: BackendConnection) => void>();
  #version = 0;

  constructor(configs: readonly BackendConfig[], options: Omit<BackendConnectionOptions, 'onChange'>) {
    this.#connections = new Map(
      configs.map((config) => [
        config.name,
        new BackendConnection(config, {
          ...options,
          onChange: (backend) => {
            this.#version += 1;
            for (const listener of this.#listeners) listener(backend);
          },
        }),
      ]),
    );
  }

  get version(): number {
    return this.#version;
  }

  get(name: string): BackendConnection | undefined {
    return this.#connections.get(name);
  }

  all(): readonly BackendConnection[] {
    return [...this.#connections.values()];
  }

  statuses(): BackendStatus[] {
    return this.all().map((connection) => connection.status);
  }

  onChange(listener: (backend: BackendConnection) => void): void {
    this.#listeners.add(listener);
  }

  /** Whether some backend's tools are not known yet because its first connect has not happened or is under way. */
  get hasPending(): boolean {
    return this.all().some((connection) => connection.awaitingFirstConnect);
  }

  /**
   * Connects the backends that were never used, waiting at most `timeoutMs`: a slow or broken
   * backend leaves the others' tools listed. A backend reconnecting keeps its last tool list.
   */
  async warm(timeoutMs: number): Promise<void> {
    const pending = this.all()
      .filter((connection) => connection.awaitingFirstConnect)
      .map((connection) => connection.ensure().catch(() => undefined));
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((connection) => connection.close()));
  }
}
