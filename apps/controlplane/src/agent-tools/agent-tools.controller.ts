import {
  agentNameSchema,
  identifyRequestSchema,
  inboxRequestSchema,
  intentRequestSchema,
  reportRequestSchema,
  sendMessageRequestSchema,
  toAgentView,
  toMessageView,
  toolCallsRequestSchema,
  type AgentView,
  type IdentifyRequest,
  type IdentifyResponse,
  type InboxRequest,
  type InboxResponse,
  type IntentRequest,
  type MessageView,
  type ReportRequest,
  type ReportResponse,
  type SendMessageRequest,
  type ToolCallsRequest,
} from '@fracta/api-contract';
import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';

import { ZodPipe } from '../http/zod.pipe.js';

import { AgentToolsService } from './agent-tools.service.js';

const namePipe = new ZodPipe(agentNameSchema, 'agent name');

/** Routes the agent gateway calls (with the control plane's token) for the fracta agent tools. */
@Controller('api/v1')
export class AgentToolsController {
  constructor(private readonly service: AgentToolsService) {}

  @Post('gateway/identify')
  @HttpCode(200)
  async identify(
    @Body(new ZodPipe(identifyRequestSchema, 'identify request')) body: IdentifyRequest,
  ): Promise<IdentifyResponse> {
    return { agent: toAgentView(await this.service.identify(body.token)) };
  }

  @Post('messages')
  @HttpCode(201)
  async send(
    @Body(new ZodPipe(sendMessageRequestSchema, 'message')) body: SendMessageRequest,
  ): Promise<MessageView> {
    return toMessageView(await this.service.send(body.from, body.to, body.body));
  }

  @Post('agents/:name/inbox')
  @HttpCode(200)
  async inbox(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(inboxRequestSchema, 'inbox request')) body: InboxRequest,
  ): Promise<InboxResponse> {
    const { messages, unread } = await this.service.readInbox(name, body.limit);
    return { messages: messages.map(toMessageView), unread };
  }

  @Put('agents/:name/intent')
  async intent(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(intentRequestSchema, 'intent')) body: IntentRequest,
  ): Promise<AgentView> {
    return toAgentView(await this.service.setIntent(name, body.intent));
  }

  @Post('agents/:name/reports')
  @HttpCode(201)
  async report(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(reportRequestSchema, 'report')) body: ReportRequest,
  ): Promise<ReportResponse> {
    const { event, msgId } = await this.service.report(name, body);
    return { event_id: event.id, msg_id: msgId };
  }

  @Post('agents/:name/tool-calls')
  @HttpCode(202)
  async toolCalls(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(toolCallsRequestSchema, 'tool calls')) body: ToolCallsRequest,
  ): Promise<{ recorded: number }> {
    return { recorded: await this.service.toolCalls(name, body) };
  }
}
