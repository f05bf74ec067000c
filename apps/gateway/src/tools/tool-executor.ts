/**
 * tools/call for one agent: finds the tool in the agent's catalog (a hidden tool is refused
 * exactly like a missing one), runs a fracta tool against the control plane or forwards a backend
 * tool to its shared connection, and counts, times and records the call.
 */
import { performance } from 'node:perf_hooks';

import { toError } from '@fracta/domain';
import type { Logger } from '@fracta/logger';
import { ProtocolError } from '@modelcontextprotocol/client';
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';

import type { BackendPool } from '../backends/backend-pool.js';
import { ToolUnavailableError } from '../errors.js';
import type { AgentIdentity } from '../identity/identity-cache.js';
import type { CallOutcome, GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { ToolCallRecorder } from '../recording/tool-call-recorder.js';

import type { FractaControlPlane } from './fracta-tools.js';
import { toolErrorResult } from './tool-call-errors.js';
import type { AgentCatalog, CatalogEntry, ToolCatalog } from './tool-catalog.js';

export interface ToolCall {
  readonly name: string;
  readonly arguments?: Record<string, unknown> | undefined;
}

export interface ToolCallAnswer {
  readonly result: CallToolResult;
  /** The schema the tool advertised for structured output, if any. */
  readonly outputSchema: Tool['outputSchema'];
}

const ERROR_CHARS = 1_024;

export class ToolExecutor {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly pool: BackendPool,
    private readonly controlPlane: FractaControlPlane,
    private readonly recorder: ToolCallRecorder,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly options: { readonly toolTimeoutMs: number; readonly warmTimeoutMs: number },
  ) {}

  /** The tools/list answer for `agent`; backends never used before are connected first (bounded wait). */
  async list(agent: AgentIdentity): Promise<AgentCatalog['tools']> {
    if (this.pool.hasPending) await this.pool.warm(this.options.warmTimeoutMs);
    return this.catalog.forAgent(agent).tools;
  }

  /** @throws ToolUnavailableError when `agent` has no such tool; a backend's ProtocolError as is. */
  async call(agent: AgentIdentity, call: ToolCall, signal: AbortSignal | undefined): Promise<ToolCallAnswer> {
    const entry = await this.#resolve(agent, call.name);
    const started = performance.now();
    if (entry.kind === 'fracta') {
      let outcome: CallOutcome = 'success';
      try {
        const value = await entry.tool.run(call.arguments, agent, this.controlPlane);
        return {
          result: { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value },
          outputSchema: undefined,
        };
      } catch (error) {
        outcome = 'failure';
        const mapped = toolErrorResult(error);
        if (mapped.internal)
          this.logger.error('fracta tool failed', {
            agent: agent.name,
            tool: entry.name,
            err: toError(error),
          });
        return { result: mapped.result, outputSchema: undefined };
      } finally {
        this.#count(entry, outcome, started);
      }
    }
    const backend = this.pool.get(entry.backend);
    let outcome: CallOutcome = 'failure';
    let failure: string | undefined;
    try {
      if (backend === undefined) throw new ToolUnavailableError(call.name);
      const result = await backend.callTool(entry.tool, call.arguments, {
        timeoutMs: this.options.toolTimeoutMs,
        signal,
      });
      outcome = result.isError === true ? 'failure' : 'success';
      if (result.isError === true) failure = firstText(result);
      return { result, outputSchema: entry.definition.outputSchema };
    } catch (error) {
      const mapped = toolErrorResult(error);
      failure = mapped.message;
      if (ProtocolError.isInstance(error)) throw error;
      if (mapped.internal)
        this.logger.error('backend tool call failed', {
          agent: agent.name,
          backend: entry.backend,
          tool: entry.tool,
          err: toError(error),
        });
      return { result: mapped.result, outputSchema: undefined };
    } finally {
      const durationMs = this.#count(entry, outcome, started);
      this.recorder.record(agent.name, {
        server: entry.backend,
        tool: entry.tool.slice(0, 128),
        outcome,
        duration_ms: durationMs,
        ...(failure === undefined ? {} : { error: failure.slice(0, ERROR_CHARS) }),
      });
    }
  }

  async #resolve(agent: AgentIdentity, name: string): Promise<CatalogEntry> {
    let entry = this.catalog.forAgent(agent).byName.get(name);
    if (entry === undefined && this.pool.hasPending) {
      await this.pool.warm(this.options.warmTimeoutMs);
      entry = this.catalog.forAgent(agent).byName.get(name);
    }
    if (entry !== undefined) return entry;
    const hidden = this.catalog.lookup(name);
    this.metrics.toolCalls.inc({
      tool: hidden === undefined ? '(unknown)' : hidden.name,
      kind: hidden?.kind ?? 'unknown',
      backend: hidden?.kind === 'backend' ? hidden.backend : '',
      outcome: 'rejected',
    });
    if (hidden?.kind === 'backend') {
      this.recorder.record(agent.name, {
        server: hidden.backend,
        tool: hidden.tool.slice(0, 128),
        outcome: 'rejected',
        duration_ms: 0,
        error: 'hidden by tool policy',
      });
    }
    throw new ToolUnavailableError(name.slice(0, 200));
  }

  #count(entry: CatalogEntry, outcome: CallOutcome, started: number): number {
    const durationMs = performance.now() - started;
    const backend = entry.kind === 'backend' ? entry.backend : '';
    this.metrics.toolCalls.inc({ tool: entry.name, kind: entry.kind, backend, outcome });
    this.metrics.toolDuration.observe({ kind: entry.kind, backend }, durationMs / 1000);
    return durationMs;
  }
}

function firstText(result: CallToolResult): string | undefined {
  for (const block of result.content) if (block.type === 'text') return block.text;
  return undefined;
}
