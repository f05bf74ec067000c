/** Every benchmark `pnpm bench` runs, in this order. To add one: write `<name>/<name>.bench.ts`, list it here. */
import { agentsList } from './agents-list/agents-list.bench.js';
import { gatewayOverhead } from './gateway-overhead/gateway-overhead.bench.js';
import type { Benchmark } from './lib/benchmark.js';
import { spawnLatency } from './spawn-latency/spawn-latency.bench.js';

export const benchmarks: readonly Benchmark[] = [spawnLatency, agentsList, gatewayOverhead];
