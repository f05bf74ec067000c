import { Module } from '@nestjs/common';

import { AgentLifecycleService } from './agent-lifecycle.service.js';
import { AgentOutputService } from './agent-output.service.js';
import { AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';

@Module({
  controllers: [AgentsController],
  providers: [AgentsService, AgentLifecycleService, AgentOutputService],
})
export class AgentsModule {}
