import { Module } from '@nestjs/common';

import { DispatcherService } from './dispatcher.service.js';
import { ReaperService } from './reaper.service.js';
import { RunExecutor } from './run-executor.service.js';

@Module({
  providers: [RunExecutor, DispatcherService, ReaperService],
  exports: [ReaperService],
})
export class RunsModule {}
