/**
 * The control-plane routes behind the agent gateway's fracta tools (DESIGN.md §5): who a gateway
 * token belongs to, messages between agents and the host, intent, reports and tool-call records.
 * The gateway calls them with the control plane's token; the identity it passes (`from`, the agent
 * in the path) is the one its per-agent token proved, never one an agent typed.
 */
import { LIMITS, type Message } from '@fracta/domain';
import { z } from 'zod';

import { agentNameSchema, agentViewSchema } from './agents.contract.js';

/** Mailbox names: an agent, or `host` (the person / host AI CLI). */
export const mailboxSchema = agentNameSchema;

/** POST /gateway/identify */
export const identifyRequestSchema = z.strictObject({ token: z.string().min(16).max(512) });
export type IdentifyRequest = z.infer<typeof identifyRequestSchema>;
export const identifyResponseSchema = z.strictObject({ agent: agentViewSchema });
export type IdentifyResponse = z.infer<typeof identifyResponseSchema>;

export const messageViewSchema = z.strictObject({
  id: z.number().int().positive(),
  from: z.string(),
  to: z.string(),
  body: z.string(),
  created_at: z.iso.datetime(),
  read: z.boolean(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export function toMessageView(message: Message): MessageView {
  return {
    id: message.id,
    from: message.from,
    to: message.to,
    body: message.body,
    created_at: message.createdAt.toISOString(),
    read: message.read,
  };
}

/** POST /messages */
export const sendMessageRequestSchema = z.strictObject({
  from: mailboxSchema,
  to: mailboxSchema,
  body: z.string().min(1).max(LIMITS.messageBodyChars),
});
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

/** POST /agents/:name/inbox: unread messages, oldest first; reading moves the read cursor. */
export const inboxRequestSchema = z.strictObject({ limit: z.number().int().min(1).max(100).default(20) });
export type InboxRequest = z.infer<typeof inboxRequestSchema>;
export const inboxResponseSchema = z.strictObject({
  messages: z.array(messageViewSchema),
  /** Unread messages left after this read. */
  unread: z.number().int().min(0),
});
export type InboxResponse = z.infer<typeof inboxResponseSchema>;

/** PUT /agents/:name/intent */
export const intentRequestSchema = z.strictObject({ intent: z.string().min(1).max(LIMITS.intentChars) });
export type IntentRequest = z.infer<typeof intentRequestSchema>;

export const REPORT_KINDS = ['progress', 'fact', 'error'] as const;

/** POST /agents/:name/reports: an event plus an entry on the agent's message bus. */
export const reportRequestSchema = z.strictObject({
  kind: z.enum(REPORT_KINDS),
  text: z.string().min(1).max(16_384),
});
export type ReportRequest = z.infer<typeof reportRequestSchema>;
export const reportResponseSchema = z.strictObject({
  event_id: z.number().int(),
  msg_id: z.string().nullable(),
});
export type ReportResponse = z.infer<typeof reportResponseSchema>;

/** POST /agents/:name/tool-calls: what the gateway forwarded to backend MCP servers (batched). */
export const toolCallsRequestSchema = z.strictObject({
  calls: z
    .array(
      z.strictObject({
        server: z.string().min(1).max(64),
        tool: z.string().min(1).max(128),
        outcome: z.enum(['success', 'failure', 'rejected']),
        duration_ms: z.number().min(0).max(86_400_000),
        error: z.string().max(1_024).optional(),
      }),
    )
    .min(1)
    .max(500),
});
export type ToolCallsRequest = z.infer<typeof toolCallsRequestSchema>;
