/**
 * GET /api/v1/agents with 1,000 agents in the store, against a bare Fastify serving the same JSON
 * from memory (DESIGN budget: the agents list at no less than half the bare rate).
 *
 * Subject: the real control plane (in this process, SQLite file state), 1,000 agents written
 * through its AgentRepository, the default page (limit 100) and limit=500. Baselines: the same
 * Fastify version in this process answering with the identical page object (so Fastify serializes
 * the same JSON; checked byte for byte), and with that JSON pre-serialized. Load: a closed-loop
 * generator in a child process, keep-alive connections, fixed windows after a warm-up; subject
 * and baselines alternate in rotating order, round by round.
 */
import { type BenchContext, type BenchResult, type Benchmark, envInt, type Row } from '../lib/benchmark.js';
import { startChild } from '../lib/child.js';
import { startControlPlane, TOKEN } from '../lib/control-plane.js';
import type { LoadRequest, LoadResult } from '../lib/load-generator.child.js';
import { median, percentile } from '../lib/stats.js';

import { startBareServer } from './bare-server.js';
import { seedAgents } from './seed-agents.js';

const AGENTS = 1_000;
const HEADERS = { authorization: `Bearer ${TOKEN}`, accept: 'application/json' };

interface Variant {
  readonly label: string;
  readonly url: string;
  readonly rounds: LoadResult[];
}

/** Median CPU time of one call (ms), over `rounds` batches of `calls`, after one batch of warm-up. */
async function cpuMs(calls: number, rounds: number, fn: () => Promise<unknown>): Promise<number> {
  const batches: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) await fn();
    const used = process.cpuUsage(before);
    if (round > 0) batches.push((used.user + used.system) / 1000 / calls);
  }
  return median(batches);
}

function rateOf(variant: Variant): number {
  const requests = variant.rounds.reduce((sum, round) => sum + round.requests, 0);
  const ms = variant.rounds.reduce((sum, round) => sum + round.windowMs, 0);
  return (requests * 1000) / ms;
}

function p99Of(variant: Variant): number {
  return percentile(
    variant.rounds.flatMap((round) => [...round.latenciesMs]),
    99,
  );
}

async function fetchText(url: string): Promise<{ text: string; type: string | null }> {
  const response = await fetch(url, { headers: HEADERS });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${String(response.status)}`);
  return { text: await response.text(), type: response.headers.get('content-type') };
}

async function run(context: BenchContext): Promise<BenchResult> {
  const { quick } = context.options;
  const seconds = quick ? 1 : envInt('FRACTA_BENCH_SECONDS', 10);
  const rounds = quick ? 1 : envInt('FRACTA_BENCH_ROUNDS', 2);
  const connections = envInt('FRACTA_BENCH_CONNECTIONS', 16);
  const warmupMs = quick ? 500 : 2_000;

  const cp = await startControlPlane();
  context.defer(() => cp.close());
  context.log(`writing ${String(AGENTS)} agents through the AgentRepository`);
  await seedAgents(cp.store, cp.dir, AGENTS);

  const limits = [
    { query: '', label: 'limit 100 (default)' },
    { query: '500', label: 'limit 500' },
  ];
  const pages = new Map<string, unknown>();
  const sizes = new Map<string, number>();
  for (const { query } of limits) {
    const page = await fetchText(`${cp.url}/api/v1/agents${query === '' ? '' : `?limit=${query}`}`);
    pages.set(query, JSON.parse(page.text));
    sizes.set(query, Buffer.byteLength(page.text));
  }
  const bare = await startBareServer(pages);
  context.defer(() => bare.close());
  if (bare.fastify.version !== cp.fastify.version) {
    throw new Error(`bare Fastify ${bare.fastify.version} is not the control plane's ${cp.fastify.version}`);
  }
  // The baselines must answer exactly what the control plane answers.
  for (const { query } of limits) {
    const suffix = query === '' ? '' : `?limit=${query}`;
    const subject = await fetchText(`${cp.url}/api/v1/agents${suffix}`);
    for (const path of ['/api/v1/agents', '/serialized/api/v1/agents']) {
      const baseline = await fetchText(`${bare.url}${path}${suffix}`);
      if (baseline.text !== subject.text || baseline.type !== subject.type) {
        throw new Error(`${path}${suffix} on the bare server differs from the control plane's answer`);
      }
    }
  }

  const generator = await startChild<LoadRequest, LoadResult>(
    new URL('../lib/load-generator.child.js', import.meta.url),
  );
  context.defer(() => generator.close());
  const load = (url: string, ms: number, warm: number) =>
    generator.call({ url, headers: HEADERS, connections, warmupMs: warm, durationMs: ms });

  const rows: Row[] = [];
  const notes: string[] = [
    `${String(AGENTS)} agents; ${String(connections)} keep-alive connections from a child process; ${String(rounds)} round(s) of ${String(seconds / rounds)} s per server after ${String(warmupMs / 1000)} s warm-up, order rotated per round; Fastify ${bare.fastify.version} on both`,
    'bare answers checked byte for byte (body and content-type) against the control plane',
  ];
  for (const { query, label } of limits) {
    const suffix = query === '' ? '' : `?limit=${query}`;
    const variants: Variant[] = [
      { label: 'control plane', url: `${cp.url}/api/v1/agents${suffix}`, rounds: [] },
      { label: 'bare Fastify', url: `${bare.url}/api/v1/agents${suffix}`, rounds: [] },
      { label: 'pre-serialized', url: `${bare.url}/serialized/api/v1/agents${suffix}`, rounds: [] },
    ];
    context.log(`${label}: warm-up`);
    for (const variant of variants) await load(variant.url, warmupMs, 0);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < variants.length; k++) {
        const variant = variants[(round + k) % variants.length];
        if (variant === undefined) continue;
        context.log(`${label}: round ${String(round + 1)}/${String(rounds)}, ${variant.label}`);
        const result = await load(variant.url, (seconds * 1000) / rounds, 250);
        if (result.errors > 0)
          throw new Error(`${variant.label} ${label}: ${String(result.errors)} failed requests`);
        variant.rounds.push(result);
      }
    }
    const [app, object, string] = variants as [Variant, Variant, Variant];
    rows.push(
      {
        figure: `GET /agents ${label}, req/s`,
        unit: 'req/s',
        subject: rateOf(app),
        baseline: rateOf(object),
        baselineName: 'bare Fastify',
        budget: { min: 0.5 },
      },
      {
        figure: `GET /agents ${label}, p99`,
        unit: 'ms',
        subject: p99Of(app),
        baseline: p99Of(object),
        baselineName: 'bare Fastify',
      },
      {
        figure: `GET /agents ${label}, req/s`,
        unit: 'req/s',
        subject: rateOf(app),
        baseline: rateOf(string),
        baselineName: 'pre-serialized',
      },
    );
    // Server time per request without sockets or a load generator (inject: the whole Fastify and
    // Nest pipeline in this process), and the store's part of it.
    const calls = query === '' ? 100 : 25;
    const inject = (target: typeof cp.fastify, path: string) => () =>
      target.inject({ url: `${path}${suffix}`, headers: { ...HEADERS, host: '127.0.0.1' } });
    const appInject = await cpuMs(calls, quick ? 2 : 10, inject(cp.fastify, '/api/v1/agents'));
    const bareInject = await cpuMs(calls, quick ? 2 : 10, inject(bare.fastify, '/api/v1/agents'));
    const take = query === '' ? 100 : Number(query);
    const storeList = await cpuMs(calls, quick ? 2 : 10, () =>
      cp.store.agents.list({}, { limit: take, cursor: null }),
    );
    const page = pages.get(query);
    const stringify = await cpuMs(calls, quick ? 2 : 10, () => Promise.resolve(JSON.stringify(page)));
    rows.push({
      figure: `GET /agents ${label}, CPU per request (inject)`,
      unit: 'ms',
      subject: appInject,
      baseline: bareInject,
      baselineName: 'bare Fastify',
    });
    const perRound = (variant: Variant) =>
      variant.rounds.map((round) => Math.round((round.requests * 1000) / round.windowMs)).join('/');
    notes.push(
      `${label}: body ${(sizes.get(query) ?? 0).toLocaleString('en-US')} bytes; req/s per round: control plane ${perRound(app)}, bare ${perRound(object)}, pre-serialized ${perRound(string)} (p99 ${p99Of(string).toFixed(2)} ms)`,
      `${label}: CPU per request in process (inject, no sockets): control plane ${appInject.toFixed(2)} ms, bare ${bareInject.toFixed(2)} ms; of the difference, store.agents.list is ${storeList.toFixed(2)} ms (JSON.stringify of the page, paid by both: ${stringify.toFixed(2)} ms)`,
    );
  }
  return { rows, notes };
}

export const agentsList: Benchmark = {
  name: 'agents-list',
  description:
    'GET /api/v1/agents with 1,000 agents (limit 100 and 500) vs bare Fastify, req/s and p99; budget ≥ 0.5×',
  run,
};
