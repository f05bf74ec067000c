/**
 * Every tool the gateway can serve (the fracta tools and each backend's tools under their exposed
 * names), and, per agent, the ones its policies let it see. Both are built once per change of the
 * backends' tool lists and reused for every tools/list and tools/call, so the hot path is a map
 * lookup: no schema conversion, no policy matching per request.
 */
import type { Tool } from '@modelcontextprotocol/server';

import type { BackendPool } from '../backends/backend-pool.js';
import type { AgentIdentity } from '../identity/identity-cache.js';
import type { PolicySet } from '../policy/tool-policy.js';

import type { FractaTool } from './fracta-tools.js';
import { exposedToolNames, qualifiedToolName } from './tool-names.js';

export type CatalogEntry =
  | { readonly kind: 'fracta'; readonly name: string; readonly definition: Tool; readonly tool: FractaTool }
  | {
      readonly kind: 'backend';
      readonly name: string;
      readonly definition: Tool;
      readonly backend: string;
      /** The backend's own name for the tool. */
      readonly tool: string;
      readonly qualifiedName: string;
    };

interface Catalog {
  readonly version: number;
  readonly entries: readonly CatalogEntry[];
  readonly byName: ReadonlyMap<string, CatalogEntry>;
}

export interface AgentCatalog {
  readonly version: number;
  /** The tools/list answer. */
  readonly tools: readonly Tool[];
  readonly byName: ReadonlyMap<string, CatalogEntry>;
}

const MAX_AGENT_VIEWS = 10_000;

export class ToolCatalog {
  #catalog: Catalog | null = null;
  readonly #views = new Map<string, AgentCatalog>();

  constructor(
    private readonly fractaTools: readonly FractaTool[],
    private readonly pool: BackendPool,
    private readonly policies: PolicySet,
  ) {}

  /** What `agent` may see and call now (from the tool lists known so far). */
  forAgent(agent: AgentIdentity): AgentCatalog {
    const catalog = this.#current();
    const key = `${agent.runtime}\u0000${agent.name}`;
    const cached = this.#views.get(key);
    if (cached?.version === catalog.version) return cached;
    const policy = this.policies.forAgent(agent);
    const visible = catalog.entries.filter((entry) =>
      entry.kind === 'fracta'
        ? policy.allowsFractaTool(entry.name)
        : policy.allowsBackendTool(entry.backend, entry.tool, entry.name, entry.qualifiedName),
    );
    const view: AgentCatalog = {
      version: catalog.version,
      tools: Object.freeze(visible.map((entry) => entry.definition)),
      byName: new Map(visible.map((entry) => [entry.name, entry])),
    };
    if (this.#views.size >= MAX_AGENT_VIEWS) this.#views.clear();
    this.#views.set(key, view);
    return view;
  }

  /** Whether a tool of that name exists for anyone (to tell a policy refusal from a typo in the records). */
  lookup(name: string): CatalogEntry | undefined {
    return this.#current().byName.get(name);
  }

  #current(): Catalog {
    const version = this.pool.version;
    if (this.#catalog?.version === version) return this.#catalog;
    const entries: CatalogEntry[] = this.fractaTools.map((tool) => ({
      kind: 'fracta',
      name: tool.name,
      definition: tool.definition,
      tool,
    }));
    const refs: { backend: string; tool: Tool }[] = [];
    for (const connection of this.pool.all()) {
      const seen = new Set<string>();
      for (const tool of connection.tools) {
        if (seen.has(tool.name)) continue;
        seen.add(tool.name);
        refs.push({ backend: connection.name, tool });
      }
    }
    const names = exposedToolNames(
      refs.map(({ backend, tool }) => ({ backend, tool: tool.name })),
      this.fractaTools.map((tool) => tool.name),
    );
    refs.forEach(({ backend, tool }, index) => {
      const name = names[index] ?? '';
      entries.push({
        kind: 'backend',
        name,
        definition: {
          ...tool,
          name,
          description: tool.description === undefined ? `[${backend}]` : `[${backend}] ${tool.description}`,
        },
        backend,
        tool: tool.name,
        qualifiedName: qualifiedToolName(backend, tool.name),
      });
    });
    this.#catalog = { version, entries, byName: new Map(entries.map((entry) => [entry.name, entry])) };
    this.#views.clear();
    return this.#catalog;
  }
}
