import {
  agentNameSchema,
  listAgentsQuerySchema,
  type AgentsPage,
  type AgentView,
  type ListAgentsQuery,
  type RunView,
} from '@fracta/api-contract';
import { Controller, Get, Param, Query } from '@nestjs/common';

import { ZodPipe } from '../http/zod.pipe.js';

import { AgentsService } from './agents.service.js';

const namePipe = new ZodPipe(agentNameSchema, 'agent name');

@Controller('api/v1/agents')
export class AgentsController {
  constructor(private readonly service: AgentsService) {}

  @Get()
  list(
    @Query(new ZodPipe(listAgentsQuerySchema, 'agents query')) query: ListAgentsQuery,
  ): Promise<AgentsPage> {
    return this.service.list(query);
  }

  @Get(':name')
  get(@Param('name', namePipe) name: string): Promise<AgentView> {
    return this.service.get(name);
  }

  @Get(':name/runs')
  async runs(@Param('name', namePipe) name: string): Promise<{ runs: RunView[] }> {
    return { runs: await this.service.runs(name) };
  }
}
