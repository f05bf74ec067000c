/**
 * The agent repository the control plane uses, counting its own writes: `version` changes after
 * every write made through it, so a read model (the cached agents list) knows when it is stale.
 * Only sound where this process is the only writer (local mode, SQLite); see AgentListCache.
 */
import {
  AgentRepository,
  type Agent,
  type AgentEvent,
  type AgentFilter,
  type AgentInfoPatch,
  type CreateAgentRequest,
  type Page,
  type PageRequest,
  type TransitionRequest,
  type TransitionResult,
} from '@fracta/domain';

export class VersionedAgentRepository extends AgentRepository {
  #version = 0;

  constructor(private readonly inner: AgentRepository) {
    super();
  }

  /** Changes after every write through this repository (whether or not it applied). */
  get version(): number {
    return this.#version;
  }

  override async create(request: CreateAgentRequest): Promise<{ agent: Agent; event: AgentEvent }> {
    try {
      return await this.inner.create(request);
    } finally {
      this.#version++;
    }
  }

  override get(name: string): Promise<Agent> {
    return this.inner.get(name);
  }

  override find(name: string): Promise<Agent | null> {
    return this.inner.find(name);
  }

  override list(filter: AgentFilter, page: PageRequest): Promise<Page<Agent>> {
    return this.inner.list(filter, page);
  }

  override count(filter: AgentFilter): Promise<number> {
    return this.inner.count(filter);
  }

  override async transition(request: TransitionRequest): Promise<TransitionResult> {
    try {
      return await this.inner.transition(request);
    } finally {
      this.#version++;
    }
  }

  override async update(name: string, patch: AgentInfoPatch): Promise<Agent> {
    try {
      return await this.inner.update(name, patch);
    } finally {
      this.#version++;
    }
  }

  override async delete(name: string): Promise<boolean> {
    try {
      return await this.inner.delete(name);
    } finally {
      this.#version++;
    }
  }
}
