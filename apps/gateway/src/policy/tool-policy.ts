/**
 * Tool policy (DESIGN.md §5): allow/deny glob patterns on tool names, applied to `tools/list` and
 * to `tools/call` alike.
 *
 * Within one policy, a name is allowed when no `deny` pattern matches it and either `allow` is
 * empty or one of its patterns matches. Several policies apply to every call, and a tool is
 * visible only when every one of them allows it, so a deny anywhere wins:
 *
 * - `gateway.tool_policy` (every agent),
 * - `agents.agent_runtimes.<runtime>.tool_policy` (the calling agent's runtime),
 * - every `gateway.agent_policies` entry whose agent-name glob matches the calling agent,
 * - for a backend tool, `mcp_servers.<backend>.tool_policy`, matched on the backend's own name
 *   for the tool (`read_file`, not `files__read_file`).
 *
 * The first three match a backend tool by the name the agent sees (`files__read_file`, or its
 * shortened form) and by its unshortened `<backend>__<tool>`; a fracta tool by its name.
 * Patterns: `*` is any run of characters, `?` one character, everything else is literal.
 */

export interface ToolPolicyConfig {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** A glob compiled once: `*` any run, `?` one character, the rest literal; the whole name must match. */
export class GlobPattern {
  readonly #regex: RegExp;
  readonly #literal: string | null;

  constructor(readonly source: string) {
    this.#literal = /[*?]/.test(source) ? null : source;
    const body = source
      .split('')
      .map((char) => {
        if (char === '*') return '.*';
        if (char === '?') return '.';
        return char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
      })
      .join('');
    this.#regex = new RegExp(`^${body}$`, 's');
  }

  matches(name: string): boolean {
    return this.#literal === null ? this.#regex.test(name) : this.#literal === name;
  }
}

export class ToolPolicy {
  static readonly ALLOW_ALL = new ToolPolicy({ allow: [], deny: [] });

  readonly #allow: readonly GlobPattern[];
  readonly #deny: readonly GlobPattern[];

  constructor(config: ToolPolicyConfig) {
    this.#allow = config.allow.map((pattern) => new GlobPattern(pattern));
    this.#deny = config.deny.map((pattern) => new GlobPattern(pattern));
  }

  get isOpen(): boolean {
    return this.#allow.length === 0 && this.#deny.length === 0;
  }

  /** Whether the tool known by any of `names` is allowed (deny on any name wins). */
  allows(...names: readonly string[]): boolean {
    if (this.#deny.some((pattern) => names.some((name) => pattern.matches(name)))) return false;
    return (
      this.#allow.length === 0 || this.#allow.some((pattern) => names.some((name) => pattern.matches(name)))
    );
  }
}

export interface PolicySubject {
  readonly name: string;
  readonly runtime: string;
}

export interface PolicyConfig {
  readonly global: ToolPolicyConfig;
  readonly runtimes: Readonly<Record<string, ToolPolicyConfig | undefined>>;
  /** Agent-name glob → policy, every matching entry applies. */
  readonly agents: Readonly<Record<string, ToolPolicyConfig>>;
  readonly backends: Readonly<Record<string, ToolPolicyConfig | undefined>>;
}

/** The policies of one agent, resolved once and reused for every tool it lists or calls. */
export class AgentToolPolicy {
  constructor(
    /** gateway + runtime + matching agent policies, without the open ones. */
    private readonly layers: readonly ToolPolicy[],
    private readonly backends: ReadonlyMap<string, ToolPolicy>,
  ) {}

  allowsFractaTool(name: string): boolean {
    return this.layers.every((layer) => layer.allows(name));
  }

  allowsBackendTool(backend: string, tool: string, exposedName: string, qualifiedName: string): boolean {
    const own = this.backends.get(backend);
    if (own !== undefined && !own.allows(tool)) return false;
    return this.layers.every((layer) => layer.allows(exposedName, qualifiedName));
  }
}

/** All configured policies, compiled once; `forAgent` picks the ones that apply to an agent. */
export class PolicySet {
  readonly #global: ToolPolicy;
  readonly #runtimes: ReadonlyMap<string, ToolPolicy>;
  readonly #agents: readonly { readonly glob: GlobPattern; readonly policy: ToolPolicy }[];
  readonly #backends: ReadonlyMap<string, ToolPolicy>;

  constructor(config: PolicyConfig) {
    this.#global = new ToolPolicy(config.global);
    this.#runtimes = new Map(
      Object.entries(config.runtimes).flatMap(([runtime, policy]) =>
        policy === undefined ? [] : [[runtime, new ToolPolicy(policy)] as const],
      ),
    );
    this.#agents = Object.entries(config.agents).map(([glob, policy]) => ({
      glob: new GlobPattern(glob),
      policy: new ToolPolicy(policy),
    }));
    this.#backends = new Map(
      Object.entries(config.backends).flatMap(([backend, policy]) => {
        if (policy === undefined) return [];
        const compiled = new ToolPolicy(policy);
        return compiled.isOpen ? [] : [[backend, compiled] as const];
      }),
    );
  }

  forAgent(agent: PolicySubject): AgentToolPolicy {
    const layers = [
      this.#global,
      this.#runtimes.get(agent.runtime) ?? ToolPolicy.ALLOW_ALL,
      ...this.#agents.filter(({ glob }) => glob.matches(agent.name)).map(({ policy }) => policy),
    ].filter((layer) => !layer.isOpen);
    return new AgentToolPolicy(layers, this.#backends);
  }
}
