import { join } from 'node:path';

import {
  toAgentView,
  toRunView,
  type AgentsPage,
  type AgentView,
  type DryRunResult,
  type ListAgentsQuery,
  type RunView,
} from '@fracta/api-contract';
import { AgentRepository, featureBranch, RunRepository } from '@fracta/domain';
import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config.js';

import { AgentLifecycleService, type SpawnInput } from './agent-lifecycle.service.js';
import { AgentListCache } from './agent-list.cache.js';
import { VersionedAgentRepository } from './versioned-agent.repository.js';

/** Reading the fleet. Spawning, steering and stopping live in AgentLifecycleService. */
@Injectable()
export class AgentsService {
  constructor(
    private readonly config: AppConfig,
    private readonly agents: AgentRepository,
    private readonly runRepository: RunRepository,
    private readonly lifecycle: AgentLifecycleService,
    private readonly versioned: VersionedAgentRepository,
    private readonly cache: AgentListCache,
  ) {}

  /** What a spawn would do: runtime, command line (prompt elided), workspace, env names, files. */
  async dryRun(input: SpawnInput): Promise<DryRunResult> {
    const plan = this.lifecycle.dryRun(input);
    const git = this.config.workspace.kind === 'git-worktree';
    const running = await this.agents.count({ statuses: ['running'] });
    const cap = this.config.reaper.maxConcurrent;
    return {
      name: input.name,
      runtime: plan.runtime,
      mode: plan.mode,
      command: plan.line.command,
      args: plan.line.args.map((arg) => (arg === plan.prompt && plan.prompt !== '' ? '<prompt>' : arg)),
      binary_path: plan.binaryPath,
      workspace: {
        kind: this.config.workspace.kind,
        path: join(this.config.projectRoot, this.config.workspace.root, input.name),
        branch: git ? featureBranch(input.name) : null,
        base_branch: git
          ? (input.baseBranch ?? this.config.fracta.project.default_base_branch ?? null)
          : null,
      },
      env: [...plan.envNames],
      files: [...plan.files],
      allowed_tools: [...this.config.agents.runtimes[plan.runtime].allowedTools],
      queued: input.queued === true || (cap > 0 && running >= cap),
    };
  }

  /** The page as JSON text, from the cache while nothing was written since it was made. */
  async listJson(query: ListAgentsQuery): Promise<string> {
    const key = JSON.stringify(query);
    const version = this.versioned.version;
    const cached = this.cache.get(key, version);
    if (cached !== undefined) return cached;
    const body = JSON.stringify(await this.list(query));
    this.cache.set(key, version, body);
    return body;
  }

  async list(query: ListAgentsQuery): Promise<AgentsPage> {
    const page = await this.agents.list(
      {
        ...(query.status === undefined ? {} : { statuses: query.status }),
        ...(query.runtime === undefined ? {} : { runtimes: query.runtime }),
        ...(query.parent === undefined ? {} : { parentAgent: query.parent }),
        ...(query.prefix === undefined ? {} : { namePrefix: query.prefix }),
        ...(query.label === undefined ? {} : { labels: query.label }),
      },
      { limit: query.limit, cursor: query.cursor ?? null },
    );
    return { agents: page.items.map(toAgentView), next_cursor: page.nextCursor };
  }

  async get(name: string): Promise<AgentView> {
    return toAgentView(await this.agents.get(name));
  }

  async runs(name: string): Promise<RunView[]> {
    await this.agents.get(name);
    return (await this.runRepository.listForAgent(name)).map(toRunView);
  }
}
