import { Module } from '@nestjs/common';

import { DispatcherService } from './dispatcher.service.js';
import { ReaperService } from './reaper.service.js';
import { RunExecutor } from './run-executor.service.js';
import { WorkspaceFilesService } from './workspace-files.service.js';

@Module({
  providers: [RunExecutor, DispatcherService, ReaperService, WorkspaceFilesService],
  exports: [ReaperService],
})
export class RunsModule {}
