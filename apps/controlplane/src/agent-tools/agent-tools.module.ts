import { Module } from '@nestjs/common';

import { AgentToolsController } from './agent-tools.controller.js';
import { AgentToolsService } from './agent-tools.service.js';

@Module({
  controllers: [AgentToolsController],
  providers: [AgentToolsService],
})
export class AgentToolsModule {}
