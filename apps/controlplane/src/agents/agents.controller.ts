import {
  agentNameSchema,
  killQuerySchema,
  listAgentsQuerySchema,
  logsQuerySchema,
  sayRequestSchema,
  spawnRequestSchema,
  toAgentView,
  toRunView,
  type AgentView,
  type DryRunResult,
  type KillQuery,
  type ListAgentsQuery,
  type LogsQuery,
  type MergeResponse,
  type PeekResult,
  type RunView,
  type SayRequest,
  type SayResult,
  type SpawnRequest,
} from '@fracta/api-contract';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ZodPipe } from '../http/zod.pipe.js';

import { AgentLifecycleService, type SpawnInput } from './agent-lifecycle.service.js';
import { AgentOutputService } from './agent-output.service.js';
import { AgentsService } from './agents.service.js';

const namePipe = new ZodPipe(agentNameSchema, 'agent name');

function toSpawnInput(body: SpawnRequest): SpawnInput {
  return {
    name: body.name,
    runtime: body.runtime,
    mode: body.mode,
    prompt: body.prompt,
    command: body.command,
    model: body.model,
    baseBranch: body.base_branch,
    labels: body.labels,
    queued: body.queued,
    parentAgent: body.parent_agent,
  };
}

@Controller('api/v1/agents')
export class AgentsController {
  constructor(
    private readonly service: AgentsService,
    private readonly lifecycle: AgentLifecycleService,
    private readonly output: AgentOutputService,
  ) {}

  /** JSON text (an AgentsPage), served from the list cache while nothing changed. */
  @Get()
  @Header('content-type', 'application/json; charset=utf-8')
  list(@Query(new ZodPipe(listAgentsQuerySchema, 'agents query')) query: ListAgentsQuery): Promise<string> {
    return this.service.listJson(query);
  }

  @Post()
  @HttpCode(201)
  async spawn(
    @Body(new ZodPipe(spawnRequestSchema, 'spawn request')) body: SpawnRequest,
  ): Promise<AgentView> {
    return toAgentView(await this.lifecycle.spawn(toSpawnInput(body)));
  }

  @Post('dry-run')
  @HttpCode(200)
  dryRun(@Body(new ZodPipe(spawnRequestSchema, 'spawn request')) body: SpawnRequest): Promise<DryRunResult> {
    return this.service.dryRun(toSpawnInput(body));
  }

  @Get(':name')
  get(@Param('name', namePipe) name: string): Promise<AgentView> {
    return this.service.get(name);
  }

  @Delete(':name')
  async kill(
    @Param('name', namePipe) name: string,
    @Query(new ZodPipe(killQuerySchema, 'kill query')) query: KillQuery,
  ): Promise<AgentView> {
    return toAgentView(await this.lifecycle.kill(name, { keepFiles: query.keep_files ?? false }));
  }

  @Post(':name/say')
  @HttpCode(200)
  async say(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(sayRequestSchema, 'say request')) body: SayRequest,
  ): Promise<SayResult> {
    const outcome = await this.lifecycle.say(name, body.message);
    return {
      delivered: outcome.delivered,
      agent: toAgentView(outcome.agent),
      ...(outcome.delivered === 'mailbox' ? { message_id: outcome.message.id } : {}),
    };
  }

  @Post(':name/merge')
  @HttpCode(200)
  async merge(@Param('name', namePipe) name: string): Promise<MergeResponse> {
    const { commit, agent } = await this.lifecycle.merge(name);
    return { merged: true, commit, branch: agent.branch, base_branch: agent.baseBranch };
  }

  @Get(':name/peek')
  async peek(@Param('name', namePipe) name: string): Promise<PeekResult> {
    const peek = await this.output.peek(name);
    return {
      agent: toAgentView(peek.agent),
      run: peek.run === null ? null : toRunView(peek.run),
      stdout_tail: peek.stdoutTail,
      stderr_tail: peek.stderrTail,
    };
  }

  /** Plain text: the tail of the current run's output; with follow=true, then what it appends until it ends. */
  @Get(':name/logs')
  async logs(
    @Param('name', namePipe) name: string,
    @Query(new ZodPipe(logsQuerySchema, 'logs query')) query: LogsQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { run, text, size } = await this.output.logs(name, { lines: query.lines, stream: query.stream });
    const headers = { 'content-type': 'text/plain; charset=utf-8', 'x-fracta-run': run?.id ?? '' };
    if (!query.follow || run?.status !== 'running') {
      await reply.headers(headers).send(text);
      return;
    }
    const abort = new AbortController();
    request.raw.once('close', () => {
      abort.abort();
    });
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { ...headers, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    out.write(text);
    try {
      for await (const chunk of this.output.follow(name, run, query.stream, size, abort.signal)) {
        out.write(chunk);
      }
    } finally {
      out.end();
    }
  }

  @Get(':name/runs')
  async runs(@Param('name', namePipe) name: string): Promise<{ runs: RunView[] }> {
    return { runs: await this.service.runs(name) };
  }
}
