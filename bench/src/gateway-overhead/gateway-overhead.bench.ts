/**
 * What the agent MCP gateway adds to a tool call, and what it costs per agent (DESIGN budget:
 * added p50 ≤ 1 ms and p99 ≤ 3 ms at 500 calls/s).
 *
 * Subject: the built gateway (`node apps/gateway/dist/main.js`, its own process, loopback), with
 * three backends: two stdio MCP servers (processes the gateway starts) and one streamable-HTTP MCP
 * server (a process of this benchmark); the real control plane in this process (its tokens and
 * events). Baseline: the very same backend called directly by the same client. The client is a
 * load generator in a child process (one minimal JSON-RPC client for every target).
 *
 * Figures: at a fixed 500 calls/s and at saturation (calls kept in flight), p50 and p99 of
 * `tools/call` through the gateway and direct (HTTP backend; the stdio backend beside it), added
 * latency against its budget, the maximum rate; then with 200 agents (real tokens) calling all
 * three backends: the upstream connections (one per backend: processes counted in /proc and by
 * their own start counters) and the gateway's resident memory per connected agent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type BenchContext, type BenchResult, type Benchmark, envInt, type Row } from '../lib/benchmark.js';
import { startChild } from '../lib/child.js';
import { startControlPlane, TOKEN } from '../lib/control-plane.js';
import { JsonClient } from '../lib/http-client.js';
import { median, percentile } from '../lib/stats.js';

import {
  cpuMsOf,
  freePort,
  processesWithEnv,
  rssOf,
  sleep,
  startGateway,
  startHttpBackend,
  startsOf,
  STDIO_BACKEND,
  tokenOf,
  waitFor,
} from './gateway-processes.js';
import type { LoadCall, LoadTarget, McpLoadRequest, McpLoadResult } from './mcp-load.child.js';

const RATE = 500;
const FLEET = 200;
const BUDGET_P50_MS = 1;
const BUDGET_P99_MS = 3;
const MiB = 1024 * 1024;

interface Side {
  readonly label: string;
  readonly target: LoadTarget;
  readonly calls: readonly LoadCall[];
  readonly rounds: McpLoadResult[];
  /** CPU the gateway process (and the HTTP backend's) used during the measured rounds, in ms. */
  gatewayCpuMs: number;
  gatewaySystemMs: number;
  backendCpuMs: number;
  /** CPU of this process during the rounds: the control plane, recording the calls (and answering identify). */
  controlPlaneCpuMs: number;
}

const latencies = (side: Side) => side.rounds.flatMap((round) => [...round.latenciesMs]);
const p50 = (side: Side) => median(latencies(side));
const p99 = (side: Side) => percentile(latencies(side), 99);
const answered = (side: Side) => side.rounds.reduce((sum, round) => sum + round.answered, 0);
const rate = (side: Side) =>
  (side.rounds.reduce((sum, round) => sum + round.calls, 0) * 1000) /
  side.rounds.reduce((sum, round) => sum + round.windowMs, 0);

async function run(context: BenchContext): Promise<BenchResult> {
  const { quick } = context.options;
  const seconds = quick ? 1 : envInt('FRACTA_BENCH_SECONDS', 10);
  const rounds = quick ? 1 : envInt('FRACTA_BENCH_ROUNDS', 2);
  const inFlight = envInt('FRACTA_BENCH_CONNECTIONS', 16);
  const fleet = quick ? 20 : envInt('FRACTA_BENCH_GATEWAY_AGENTS', FLEET);
  const warmupMs = quick ? 300 : 1_500;

  const cp = await startControlPlane((config) => ({
    ...config,
    reaper: { ...config.reaper, max_concurrent: 0 },
    runtime: { ...config.runtime, workspace_kind: 'directory' },
  }));
  context.defer(() => cp.close());
  const api = new JsonClient(cp.url, { authorization: `Bearer ${TOKEN}` });
  context.defer(() => {
    api.close();
  });
  const runsRoot = join(cp.dir, '.fracta', 'runs');

  const docs = await startHttpBackend('docs');
  context.defer(() => docs.stop());
  const benchDir = join(cp.dir, 'gateway-bench');
  await mkdir(benchDir, { recursive: true });
  const startsFile = (name: string) => join(benchDir, `${name}-starts.txt`);
  const stdioYaml = (name: string) =>
    [
      `  ${name}:`,
      '    transport: stdio',
      `    command: ${JSON.stringify(process.execPath)}`,
      `    args: [${JSON.stringify(STDIO_BACKEND)}]`,
      `    env: { FIXTURE_LABEL: ${name}, FIXTURE_STARTS_FILE: ${JSON.stringify(startsFile(name))} }`,
    ].join('\n');
  const configPath = join(benchDir, 'fracta.yaml');
  await writeFile(
    configPath,
    [
      'mcp_servers:',
      stdioYaml('files'),
      stdioYaml('notes'),
      '  docs:',
      '    transport: streamable-http',
      `    url: ${docs.url}`,
    ].join('\n'),
  );
  const port = await freePort();
  const gatewayUrl = `http://127.0.0.1:${String(port)}`;
  const gateway = await startGateway({
    CONTROL_PLANE_URL: cp.url,
    CONTROL_PLANE_TOKEN: TOKEN,
    GATEWAY_LISTEN: `127.0.0.1:${String(port)}`,
    FRACTA_CONFIG: configPath,
  });
  context.defer(() => gateway.stop());
  await waitFor(async () => {
    const ready = (await (await fetch(`${gatewayUrl}/readyz`)).json()) as {
      control_plane: { events_followed: boolean };
    };
    return ready.control_plane.events_followed;
  }, 'the gateway to follow the control plane');

  let agents = 0;
  const spawnAgents = async (count: number) => {
    const names = Array.from({ length: count }, () => `gw-agent-${String(agents++)}`);
    const tokens: string[] = [];
    for (let start = 0; start < names.length; start += 20) {
      const batch = names.slice(start, start + 20);
      await Promise.all(
        batch.map(async (name) => {
          const answer = await api.call('POST', '/api/v1/agents', {
            name,
            runtime: 'command',
            command: ['sleep', '900'],
          });
          if (answer.status !== 201)
            throw new Error(`spawn ${name}: ${String(answer.status)} ${JSON.stringify(answer.body)}`);
        }),
      );
      tokens.push(...(await Promise.all(batch.map((name) => tokenOf(name, runsRoot)))));
    }
    return names.map((name, index) => ({ name, token: tokens[index] ?? '' }));
  };
  context.defer(async () => {
    for (let index = 0; index < agents; index++)
      await api.call('DELETE', `/api/v1/agents/gw-agent-${String(index)}`).catch(() => undefined);
  });

  const [first] = await spawnAgents(1);
  if (first === undefined) throw new Error('no agent');
  const viaGateway = (agent: { name: string; token: string }, tool: string, expect: string): LoadCall => ({
    url: `${gatewayUrl}/agents/${agent.name}/mcp`,
    headers: { authorization: `Bearer ${agent.token}` },
    tool,
    arguments: { text: 'ping' },
    expect,
  });
  const gatewayTarget: LoadTarget = {
    kind: 'http',
    url: `${gatewayUrl}/agents/${first.name}/mcp`,
    headers: { authorization: `Bearer ${first.token}` },
  };
  const sides = () => ({
    gatewayHttp: {
      label: 'gateway → HTTP backend',
      target: gatewayTarget,
      calls: [viaGateway(first, 'docs__echo', 'docs echo: ping')],
      rounds: [],
      gatewayCpuMs: 0,
      gatewaySystemMs: 0,
      controlPlaneCpuMs: 0,
      backendCpuMs: 0,
    } as Side,
    directHttp: {
      label: 'direct HTTP backend',
      target: { kind: 'http', url: docs.url, headers: {} },
      calls: [{ tool: 'echo', arguments: { text: 'ping' }, expect: 'docs echo: ping' }],
      rounds: [],
      gatewayCpuMs: 0,
      gatewaySystemMs: 0,
      controlPlaneCpuMs: 0,
      backendCpuMs: 0,
    } as Side,
    gatewayStdio: {
      label: 'gateway → stdio backend',
      target: gatewayTarget,
      calls: [viaGateway(first, 'files__echo', 'files echo: ping')],
      rounds: [],
      gatewayCpuMs: 0,
      gatewaySystemMs: 0,
      controlPlaneCpuMs: 0,
      backendCpuMs: 0,
    } as Side,
    directStdio: {
      label: 'direct stdio backend',
      target: {
        kind: 'stdio',
        command: process.execPath,
        args: [STDIO_BACKEND],
        env: {
          PATH: process.env.PATH ?? '',
          FIXTURE_LABEL: 'files',
          FIXTURE_STARTS_FILE: join(benchDir, 'direct-starts.txt'),
        },
      },
      calls: [{ tool: 'echo', arguments: { text: 'ping' }, expect: 'files echo: ping' }],
      rounds: [],
      gatewayCpuMs: 0,
      gatewaySystemMs: 0,
      controlPlaneCpuMs: 0,
      backendCpuMs: 0,
    } as Side,
  });

  const generator = await startChild<McpLoadRequest, McpLoadResult>(
    new URL('./mcp-load.child.js', import.meta.url),
  );
  context.defer(() => generator.close());
  const measure = async (side: Side, mode: 'rate' | 'closed', durationMs: number, warm: number) => {
    const result = await generator.call({
      target: side.target,
      mode,
      rate: RATE,
      concurrency: mode === 'rate' ? 64 : inFlight,
      warmupMs: warm,
      durationMs,
      calls: side.calls,
    });
    if (result.errors > 0)
      throw new Error(
        `${side.label}: ${String(result.errors)} failed calls, first: ${result.firstError ?? ''}`,
      );
    return result;
  };
  const phase = async (name: string, mode: 'rate' | 'closed', list: readonly Side[]) => {
    for (const side of list) await measure(side, mode, warmupMs, 0);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < list.length; k++) {
        const side = list[(round + k) % list.length];
        if (side === undefined) continue;
        context.log(`${name}: round ${String(round + 1)}/${String(rounds)}, ${side.label}`);
        const [gatewayBefore, backendBefore] = [cpuMsOf(gateway.pid), cpuMsOf(docs.pid)];
        const ownBefore = process.cpuUsage();
        side.rounds.push(await measure(side, mode, (seconds * 1000) / rounds, 200));
        const own = process.cpuUsage(ownBefore);
        side.controlPlaneCpuMs += (own.user + own.system) / 1000;
        const [gatewayAfter, backendAfter] = [cpuMsOf(gateway.pid), cpuMsOf(docs.pid)];
        side.gatewayCpuMs +=
          gatewayAfter.user + gatewayAfter.system - gatewayBefore.user - gatewayBefore.system;
        side.gatewaySystemMs += gatewayAfter.system - gatewayBefore.system;
        side.backendCpuMs +=
          backendAfter.user + backendAfter.system - backendBefore.user - backendBefore.system;
      }
    }
  };

  const fixed = sides();
  await phase(`${String(RATE)} calls/s`, 'rate', [
    fixed.gatewayHttp,
    fixed.directHttp,
    fixed.gatewayStdio,
    fixed.directStdio,
  ]);
  const saturated = sides();
  await phase('saturation', 'closed', [
    saturated.gatewayHttp,
    saturated.directHttp,
    saturated.gatewayStdio,
    saturated.directStdio,
  ]);

  // The fleet: `fleet` agents with their own tokens calling all three backends at once.
  context.log(`fleet: spawning ${String(fleet)} agents`);
  const rssSamples = async (calls: readonly LoadCall[], ms: number) => {
    const samples: number[] = [];
    const load = generator.call({
      target: gatewayTarget,
      mode: 'rate',
      rate: 400,
      concurrency: 64,
      warmupMs: 500,
      durationMs: ms,
      calls,
    });
    const started = Date.now();
    while (Date.now() - started < ms + 400) {
      await sleep(250);
      if (Date.now() - started > 500 + ms / 2) samples.push(rssOf(gateway.pid));
    }
    const result = await load;
    if (result.errors > 0)
      throw new Error(`fleet load: ${String(result.errors)} failed calls, first: ${result.firstError ?? ''}`);
    return median(samples);
  };
  const backendsOf = (agent: { name: string; token: string }) => [
    viaGateway(agent, 'docs__echo', 'docs echo: ping'),
    viaGateway(agent, 'files__echo', 'files echo: ping'),
    viaGateway(agent, 'notes__echo', 'notes echo: ping'),
  ];
  const fleetMs = quick ? 1_500 : 4_000;
  const rssOne = await rssSamples(backendsOf(first), fleetMs);
  const many = [first, ...(await spawnAgents(fleet - 1))];
  const rssFleet = await rssSamples(many.flatMap(backendsOf), fleetMs);
  const ready = (await (await fetch(`${gatewayUrl}/readyz`)).json()) as {
    backends: { name: string; state: string; connects: number }[];
    connected_agents: number;
  };
  const stdioProcesses = ['files', 'notes'].map(
    (name) => processesWithEnv([`FIXTURE_STARTS_FILE=${startsFile(name)}`]).length,
  );
  const starts = await Promise.all(['files', 'notes'].map((name) => startsOf(startsFile(name))));
  const sessions = ready.backends.filter((backend) => backend.state === 'ready').length;
  const upstream =
    stdioProcesses.reduce((sum, count) => sum + count, 0) +
    (ready.backends.find((b) => b.name === 'docs')?.state === 'ready' ? 1 : 0);
  const perAgentKiB = (rssFleet - rssOne) / (fleet - 1) / 1024;

  const { gatewayHttp, directHttp, gatewayStdio, directStdio } = fixed;
  const rows: Row[] = [
    {
      figure: `tools/call at ${String(RATE)}/s, p50`,
      unit: 'ms',
      subject: p50(gatewayHttp),
      baseline: p50(directHttp),
      baselineName: 'direct',
    },
    {
      figure: `tools/call at ${String(RATE)}/s, p99`,
      unit: 'ms',
      subject: p99(gatewayHttp),
      baseline: p99(directHttp),
      baselineName: 'direct',
    },
    {
      figure: `added by the gateway at ${String(RATE)}/s, p50`,
      unit: 'ms',
      subject: p50(gatewayHttp) - p50(directHttp),
      baseline: BUDGET_P50_MS,
      baselineName: 'budget',
      budget: { max: 1 },
    },
    {
      figure: `added by the gateway at ${String(RATE)}/s, p99`,
      unit: 'ms',
      subject: p99(gatewayHttp) - p99(directHttp),
      baseline: BUDGET_P99_MS,
      baselineName: 'budget',
      budget: { max: 1 },
    },
    {
      figure: `stdio backend at ${String(RATE)}/s, p50`,
      unit: 'ms',
      subject: p50(gatewayStdio),
      baseline: p50(directStdio),
      baselineName: 'direct stdio',
    },
    {
      figure: `stdio backend at ${String(RATE)}/s, p99`,
      unit: 'ms',
      subject: p99(gatewayStdio),
      baseline: p99(directStdio),
      baselineName: 'direct stdio',
    },
    {
      figure: `saturation (${String(inFlight)} in flight), calls/s`,
      unit: 'req/s',
      subject: rate(saturated.gatewayHttp),
      baseline: rate(saturated.directHttp),
      baselineName: 'direct',
    },
    {
      figure: `saturation (${String(inFlight)} in flight), p50`,
      unit: 'ms',
      subject: p50(saturated.gatewayHttp),
      baseline: p50(saturated.directHttp),
      baselineName: 'direct',
    },
    {
      figure: `saturation (${String(inFlight)} in flight), p99`,
      unit: 'ms',
      subject: p99(saturated.gatewayHttp),
      baseline: p99(saturated.directHttp),
      baselineName: 'direct',
    },
    {
      figure: 'saturation, stdio backend, calls/s',
      unit: 'req/s',
      subject: rate(saturated.gatewayStdio),
      baseline: rate(saturated.directStdio),
      baselineName: 'direct stdio',
    },
    {
      figure: `CPU per call at ${String(RATE)}/s, HTTP backend`,
      unit: 'ms',
      subject: gatewayHttp.gatewayCpuMs / answered(gatewayHttp),
      baseline: directHttp.backendCpuMs / answered(directHttp),
      baselineName: 'the backend itself',
    },
    {
      figure: `CPU per call at ${String(RATE)}/s, stdio backend`,
      unit: 'ms',
      subject: gatewayStdio.gatewayCpuMs / answered(gatewayStdio),
      baseline: null,
      baselineName: '',
    },
    {
      figure: `upstream connections, ${String(fleet)} agents`,
      unit: 'count',
      subject: upstream,
      baseline: 3,
      baselineName: 'backends',
      budget: { max: 1 },
    },
    {
      figure: `gateway RSS, ${String(fleet)} agents calling`,
      unit: 'MiB',
      subject: rssFleet / MiB,
      baseline: rssOne / MiB,
      baselineName: '1 agent',
    },
  ];
  const perRound = (side: Side) =>
    side.rounds.map((round) => Math.round((round.calls * 1000) / round.windowMs)).join('/');
  const notes = [
    `client: one minimal JSON-RPC client (node:http keep-alive, or its own stdio pipe) in a child process for every target; answers checked; ${String(rounds)} round(s) of ${String(seconds / rounds)} s per target after ${String(warmupMs / 1000)} s warm-up, order rotated`,
    `${String(RATE)}/s is open loop (sends do not wait for answers); saturation keeps ${String(inFlight)} calls in flight; the added rows are subject p - direct p (beside their budget)`,
    `maximum through the gateway: ${Math.round(rate(saturated.gatewayHttp)).toLocaleString('en-US')} calls/s to the HTTP backend (per round ${perRound(saturated.gatewayHttp)}), ${Math.round(rate(saturated.gatewayStdio)).toLocaleString('en-US')} calls/s to the stdio backend (per round ${perRound(saturated.gatewayStdio)})`,
    `${String(RATE)}/s, added: p50 ${(p50(gatewayHttp) - p50(directHttp)).toFixed(2)} ms, p99 ${(p99(gatewayHttp) - p99(directHttp)).toFixed(2)} ms (HTTP backend); p50 ${(p50(gatewayStdio) - p50(directStdio)).toFixed(2)} ms (stdio backend, against a client that owns its own pipe)`,
    `fleet: ${String(fleet)} agents (each its own token) × 3 backends at 400 calls/s; upstream: ${stdioProcesses.join(' + ')} stdio processes (starts counted by the servers: ${starts.join(', ')}) + 1 HTTP session; ${String(sessions)} backends ready; ${String(ready.connected_agents)} agents connected`,
    `gateway CPU per call at ${String(RATE)}/s: ${(gatewayHttp.gatewayCpuMs / answered(gatewayHttp)).toFixed(2)} ms to the HTTP backend (${Math.round((100 * gatewayHttp.gatewaySystemMs) / Math.max(1, gatewayHttp.gatewayCpuMs))}% in the kernel: sockets), ${(gatewayStdio.gatewayCpuMs / answered(gatewayStdio)).toFixed(2)} ms to the stdio backend (${Math.round((100 * gatewayStdio.gatewaySystemMs) / Math.max(1, gatewayStdio.gatewayCpuMs))}% kernel)`,
    `control plane CPU per call at ${String(RATE)}/s (in this process: recording each call as an event, echoing it on the event stream the gateway follows): ${(gatewayStdio.controlPlaneCpuMs / answered(gatewayStdio)).toFixed(2)} ms through the gateway, ${(directStdio.controlPlaneCpuMs / answered(directStdio)).toFixed(2)} ms for direct calls (nothing to record)`,
    `gateway memory per connected agent: ${perAgentKiB.toFixed(1)} KiB (RSS ${(rssFleet / MiB).toFixed(1)} MiB with ${String(fleet)} agents, ${(rssOne / MiB).toFixed(1)} MiB with 1, medians of /proc samples under the same load)`,
  ];
  return { rows, notes };
}

export const gatewayOverhead: Benchmark = {
  name: 'gateway-overhead',
  description: `tools/call through the agent MCP gateway vs direct at ${String(RATE)}/s and saturation; ${String(FLEET)} agents × 3 backends: upstream count and memory per agent`,
  run,
};
