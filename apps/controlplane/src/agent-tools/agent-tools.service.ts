/**
 * What the agent gateway's fracta tools do to the state: identify a gateway token, send and read
 * messages, set the intent, record reports and the backend tool calls the gateway forwarded. The
 * identity is always the one the gateway proved with the agent's token.
 */
import type { ReportRequest, ToolCallsRequest } from '@fracta/api-contract';
import {
  AgentNotFoundError,
  AgentRepository,
  Clock,
  CredentialInvalidError,
  CredentialRepository,
  EventRepository,
  HOST_MAILBOX,
  isCredentialActive,
  isLive,
  MessageRepository,
  boundHead,
  type Agent,
  type AgentEvent,
  type Message,
} from '@fracta/domain';
import { RunRecords } from '@fracta/run-records';
import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config.js';
import { EventNotifier } from '../events/event-notifier.js';
import { hashToken } from '../runs/run-executor.service.js';

const BUS_TYPES = { progress: 'PROGRESS', fact: 'FACT', error: 'ERROR' } as const;

@Injectable()
export class AgentToolsService {
  constructor(
    private readonly config: AppConfig,
    private readonly agents: AgentRepository,
    private readonly credentials: CredentialRepository,
    private readonly messages: MessageRepository,
    private readonly events: EventRepository,
    private readonly records: RunRecords,
    private readonly clock: Clock,
    private readonly notifier: EventNotifier,
  ) {}

  /** The live agent a gateway token belongs to; CredentialInvalidError (401) otherwise. */
  async identify(token: string): Promise<Agent> {
    const credential = await this.credentials.findByHash(hashToken(token));
    if (credential === null) throw new CredentialInvalidError('unknown token');
    if (!isCredentialActive(credential, this.clock.now()))
      throw new CredentialInvalidError('the token was revoked');
    const agent = await this.agents.find(credential.agent);
    if (agent === null || !isLive(agent.status)) {
      throw new CredentialInvalidError(`agent "${credential.agent}" is not running`);
    }
    return agent;
  }

  /** A message from an agent (or the host) to an agent or the host. */
  async send(from: string, to: string, body: string): Promise<Message> {
    if (to !== HOST_MAILBOX && (await this.agents.find(to)) === null) throw new AgentNotFoundError(to);
    const message = await this.messages.send({ from, to, body, createdAt: this.clock.now() });
    await this.record(from === HOST_MAILBOX ? to : from, 'message', 'sent', 'success', {
      from,
      to,
      message: String(message.id),
    });
    return message;
  }

  async readInbox(recipient: string, limit: number): Promise<{ messages: Message[]; unread: number }> {
    if (recipient !== HOST_MAILBOX) await this.agents.get(recipient);
    const messages = await this.messages.readUnread(recipient, limit);
    return { messages, unread: await this.messages.unreadCount(recipient) };
  }

  async setIntent(name: string, intent: string): Promise<Agent> {
    const agent = await this.agents.update(name, { intent });
    await this.record(name, 'agent', 'intent_set', 'success', { intent: boundHead(intent, 2_000) });
    return agent;
  }

  /** An event, and an entry on the agent's message bus (FACT, PROGRESS or ERROR). */
  async report(name: string, report: ReportRequest): Promise<{ event: AgentEvent; msgId: string | null }> {
    const agent = await this.agents.get(name);
    const event = await this.record(
      name,
      'report',
      report.kind,
      report.kind === 'error' ? 'failure' : 'success',
      { text: boundHead(report.text, 2_000) },
      agent.currentRunId,
    );
    let msgId: string | null = null;
    try {
      const entry = await this.records.taskBus(name).append({
        type: BUS_TYPES[report.kind],
        project_id: this.config.project,
        task_id: name,
        run_id: agent.currentRunId,
        body: report.text,
      });
      msgId = entry.msg_id;
    } catch {
      // the event is the record; the bus is a convenience log
    }
    return { event, msgId };
  }

  async toolCalls(name: string, request: ToolCallsRequest): Promise<number> {
    const agent = await this.agents.get(name);
    for (const call of request.calls) {
      await this.events.append({
        ts: this.clock.now(),
        component: 'gateway',
        category: 'agent',
        resource: 'tool',
        action: 'tool_call',
        outcome: call.outcome,
        severity: call.outcome === 'success' ? 'info' : 'warn',
        agent: name,
        run: agent.currentRunId,
        attrs: {
          server: call.server,
          tool: call.tool,
          duration_ms: String(Math.round(call.duration_ms)),
          ...(call.error === undefined ? {} : { error: call.error }),
        },
      });
    }
    this.notifier.notify();
    return request.calls.length;
  }

  private async record(
    agent: string,
    resource: string,
    action: string,
    outcome: 'success' | 'failure',
    attrs: Record<string, string>,
    run: string | null = null,
  ): Promise<AgentEvent> {
    const event = await this.events.append({
      ts: this.clock.now(),
      component: 'gateway',
      category: 'agent',
      resource,
      action,
      outcome,
      severity: outcome === 'success' ? 'info' : 'warn',
      agent,
      run,
      attrs,
    });
    this.notifier.notify();
    return event;
  }
}
