import {
  toAgentView,
  toRunView,
  type AgentsPage,
  type AgentView,
  type ListAgentsQuery,
  type RunView,
} from '@fracta/api-contract';
import { AgentRepository, RunRepository } from '@fracta/domain';
import { Injectable } from '@nestjs/common';

/** Reading the fleet. Spawning, steering and stopping live in AgentLifecycleService. */
@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentRepository,
    private readonly runRepository: RunRepository,
  ) {}

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
