/**
 * The files `fracta init --scaffold <mode>` writes. The docker-compose tree under deployment/ is
 * also the fracta repository's own deployment/ folder, byte for byte (scaffold-files.test.ts), so
 * what the repository documents and tests is what a project gets.
 */

export interface ScaffoldFile {
  /** Relative to the project root, "/"-separated. */
  readonly path: string;
  readonly content: string;
  /** 0o644, or 0o755 for a program. */
  readonly mode: number;
}

/** The modes that have files; k8s has none yet. */
export type FileScaffoldMode = 'local' | 'docker-compose';

const LOCAL_CONFIG = `# fracta scaffold: local
# fracta.yaml: local mode. The control plane runs on this machine (SQLite in .fracta/, agents as
# processes in git worktrees under .worktrees/). Every key is optional; this file works as is.
# Reference: packages/config/fracta.example.yaml in the fracta repository.
version: 1

project:
  # name: my-project               # default: this directory's name
  # default_base_branch: main      # default: the branch you have checked out
  allowed_tools: []                # tool patterns every agent may use, e.g. ["Read", "Bash(git *)"]

agents:
  default_runtime: claude          # claude | codex | opencode | command
  agent_runtimes:
    claude:
      # command: claude            # default: claude on PATH
      # model: claude-sonnet-4-5
      env: {}                      # e.g. ANTHROPIC_BASE_URL: \${ANTHROPIC_BASE_URL}
    codex:
      env: {}
    opencode:
      env: {}

runtime:
  backend: local
  state:
    driver: sqlite
    path: .fracta/state.db
  queue:
    backend: memory
  workspace_root: .worktrees
  workspace_setup:
    copy: []                       # e.g. [.env]: files copied into each new worktree
    command: []                    # e.g. [pnpm, install, --frozen-lockfile]
  stop_grace: 10s

control_plane_api:
  listen: 127.0.0.1:9090           # loopback only; the token is written to .fracta/controlplane.token

gateway:
  url: http://127.0.0.1:8080       # how agents reach their MCP gateway

reaper:
  max_concurrent: 4                # agents running at once; more are queued, never rejected
  max_age: 4h                      # a running agent is stopped after this long
`;

const COMPOSE_CONFIG = `# fracta scaffold: docker-compose
# fracta.yaml: team mode. The control plane, its agents, the agent gateway and Postgres run in
# containers (deployment/docker-compose.yml, started as deployment/README.md says); this file
# makes the fracta CLI and \`fracta serve\` thin clients of that control plane (they never start
# one here). Agents, runtimes and the queue are configured in deployment/configs/controlplane.yaml.
version: 1

control_plane_api:
  url: http://127.0.0.1:19090      # the stack's published port; from another machine, the server's address
  token: \${FRACTA_TOKEN}           # export FRACTA_TOKEN=<the token in deployment/.env>
`;

// deployment/docker-compose.yml
const COMPOSE_FILE = `# fracta team mode: Postgres (state and queue), the control plane and the agents' MCP gateway.
# From the project root (README.md beside this file has the details):
#
#   cp deployment/.env.example deployment/.env   # then set the secrets in it
#   docker compose -f deployment/docker-compose.yml up -d
#   export FRACTA_TOKEN=...                       # the token from deployment/.env, for the fracta CLI
#
# Secrets come from the environment or deployment/.env (never committed); a missing one stops
# \`up\` naming it. Only the control plane is published, on the host's 127.0.0.1:19090.

services:
  postgres:
    image: \${FRACTA_POSTGRES_IMAGE:-postgres:17-bookworm}
    restart: unless-stopped
    environment:
      POSTGRES_USER: fracta
      POSTGRES_DB: fracta
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deployment/.env}
    volumes:
      - postgres-data:/var/lib/postgresql/data
    healthcheck:
      test: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U fracta -d fracta']
      interval: 2s
      timeout: 5s
      retries: 30

  controlplane:
    image: \${FRACTA_CONTROLPLANE_IMAGE:-fracta-controlplane:latest}
    restart: unless-stopped
    depends_on:
      postgres:
        condition: service_healthy
    environment:
      - FRACTA_CONFIG=/workspace/fracta.yaml
      - FRACTA_TOKEN=\${FRACTA_TOKEN:?set FRACTA_TOKEN in deployment/.env}
      - PG_URL=postgres://fracta:\${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deployment/.env}@postgres:5432/fracta
      # Provider credentials, passed on to the agents when set (add the ones your providers read):
      - ANTHROPIC_API_KEY
      - ANTHROPIC_BASE_URL
      - OPENAI_API_KEY
      - OPENAI_BASE_URL
      - CLAUDE_CODE_USE_BEDROCK
      - AWS_REGION
      - AWS_ACCESS_KEY_ID
      - AWS_SECRET_ACCESS_KEY
      - AWS_SESSION_TOKEN
    ports:
      - '127.0.0.1:19090:9090'
    volumes:
      - workspace:/workspace
      - ./configs/controlplane.yaml:/workspace/fracta.yaml:ro
      - ./auth-helpers:/opt/fracta/auth-helpers:ro
    healthcheck:
      test:
        - CMD
        - node
        - -e
        - "fetch('http://127.0.0.1:9090/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
      interval: 3s
      timeout: 5s
      retries: 20
      start_period: 30s

  gateway:
    image: \${FRACTA_GATEWAY_IMAGE:-fracta-gateway:latest}
    restart: unless-stopped
    depends_on:
      controlplane:
        condition: service_healthy
    environment:
      - FRACTA_CONFIG=/etc/fracta/gateway.yaml
      - CONTROL_PLANE_URL=http://controlplane:9090
      - CONTROL_PLANE_TOKEN=\${FRACTA_TOKEN:?set FRACTA_TOKEN in deployment/.env}
    volumes:
      - ./configs/gateway.yaml:/etc/fracta/gateway.yaml:ro
      - ./auth-helpers:/opt/fracta/auth-helpers:ro
    healthcheck:
      test:
        - CMD
        - node
        - -e
        - "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
      interval: 3s
      timeout: 5s
      retries: 20
      start_period: 30s

volumes:
  postgres-data: # Postgres's data: agents, runs, events, the queue
  workspace: # agents' directories (agents/<name>), run records and logs (.fracta/)
`;

// deployment/.gitignore
const DEPLOYMENT_GITIGNORE = `# The stack's secrets (copied from .env.example): never committed.
.env
`;

// deployment/.env.example
const ENV_EXAMPLE = `# deployment/.env: copy this file to .env beside it and set the secrets. Never commit .env
# (deployment/.gitignore keeps it out). docker compose reads it for the \${...} in
# docker-compose.yml; a variable set in the shell wins over it, so a secret manager that sets
# the environment works without the file (op run, doppler run, vault agent, sops exec-env).

# One compose project (containers, volumes, network) per stack on a host.
COMPOSE_PROJECT_NAME=fracta

# The control plane's bearer token, at least 16 characters (e.g. \`openssl rand -hex 32\`).
# Everyone using this control plane exports it as FRACTA_TOKEN for the fracta CLI.
FRACTA_TOKEN=

# Postgres's password, letters and digits only as it goes into a URL (\`openssl rand -hex 24\`).
POSTGRES_PASSWORD=

# Provider credentials for the agents; leave out the ones you do not use.
# ANTHROPIC_API_KEY=
# OPENAI_API_KEY=

# Images other than the defaults: your registry's, or tags of your own build.
# FRACTA_CONTROLPLANE_IMAGE=fracta-controlplane:latest
# FRACTA_GATEWAY_IMAGE=fracta-gateway:latest
# FRACTA_POSTGRES_IMAGE=postgres:17-bookworm
`;

// deployment/configs/controlplane.yaml
const CONTROLPLANE_CONFIG = `# The control plane's fracta.yaml in team mode, mounted at /workspace/fracta.yaml in the
# controlplane container: \${VAR} is read from that container's environment, which
# docker-compose.yml sets. Every key is documented in packages/config/fracta.example.yaml of the
# fracta repository. After a change: docker compose -f deployment/docker-compose.yml restart controlplane
version: 1

project:
  allowed_tools: [] # tool patterns every agent may use, e.g. ["Read", "Bash(git *)"]

agents:
  default_runtime: claude # claude | codex | opencode | command
  agent_runtimes:
    claude:
      env: {} # e.g. ANTHROPIC_BASE_URL: https://llm-proxy.internal
    codex:
      env: {}
    opencode:
      env: {}

runtime:
  backend: local # agents are subprocesses of the control plane, inside its container
  state:
    driver: postgres
    url: \${PG_URL} # docker-compose.yml builds it from POSTGRES_PASSWORD
  queue:
    backend: postgres # pg-boss in the state database: queued agents survive a restart
    workers: 4 # agents this control plane runs at once; \`fracta worker\` processes can add more
  workspace_kind: directory # one folder per agent, no branch and no merge (git worktrees: local mode)
  workspace_root: /workspace/agents # in the workspace volume
  stop_grace: 10s

gateway:
  managed: false # the gateway runs in its own container
  url: http://gateway:8080 # how agents reach it over the compose network

control_plane_api:
  listen: 0.0.0.0:9090 # inside the container; the host publishes it on 127.0.0.1:19090 only
  token: \${FRACTA_TOKEN}

reaper:
  max_concurrent: 4 # agents running at once; more are queued
  max_age: 4h # a running agent is stopped after this long

observability:
  log_level: info

auth:
  credentials:
    profiles: {}
    # Helpers in deployment/auth-helpers/ are on PATH in the containers:
    # profiles:
    #   example:
    #     helper: fetch-token-example
`;

// deployment/configs/gateway.yaml
const GATEWAY_CONFIG = `# The agent gateway's fracta.yaml in team mode, mounted at /etc/fracta/gateway.yaml in the
# gateway container. It serves each agent at http://gateway:8080/agents/<agent>/mcp with the
# agent's own token, and reaches the control plane at CONTROL_PLANE_URL (docker-compose.yml).
version: 1

gateway:
  listen: 0.0.0.0:8080 # on the compose network only (not published)
  url: http://gateway:8080 # the name agents use: requests for any other Host are refused
  tool_policy:
    allow: [] # empty: every tool that is not denied
    deny: []

# MCP servers shared by every agent: a stdio command run in the gateway container (its image has
# node and npx), or the URL of a server, e.g. one more service in docker-compose.yml.
mcp_servers: {}
#  docs:
#    transport: streamable-http
#    url: http://docs-mcp:3000/mcp

observability:
  log_level: info
`;

// deployment/README.md
const DEPLOYMENT_README = `# deployment/: fracta in team mode (docker compose)

One shared control plane for a team: Postgres keeps the agents, runs, events and queue; the
control plane runs agents as its subprocesses, each in its own directory of the \`workspace\`
volume; the gateway serves the agents' MCP tools. \`fracta.yaml\` at the project root makes the
fracta CLI and \`fracta serve\` thin clients of it on \`http://127.0.0.1:19090\`.

| file                        | what it is                                                                                      |
| --------------------------- | ----------------------------------------------------------------------------------------------- |
| \`docker-compose.yml\`        | postgres, controlplane (published on 127.0.0.1:19090), gateway; health checks, restart policies |
| \`.env.example\`              | the variables it needs (copy to \`.env\`, which is never committed)                               |
| \`configs/controlplane.yaml\` | the control plane's fracta.yaml: runtimes, Postgres state and queue, directory workspaces       |
| \`configs/gateway.yaml\`      | the gateway's: listen address, tool policy, shared MCP servers                                  |
| \`auth-helpers/\`             | credential helpers, mounted at \`/opt/fracta/auth-helpers\` (on PATH) in both fracta containers   |

## Start

The images are \`fracta-controlplane\` and \`fracta-gateway\`, built from a checkout of the fracta
repository (or pulled from wherever your team publishes them; \`.env\` names other images):

\`\`\`sh
docker build -f docker/controlplane.Dockerfile -t fracta-controlplane:latest .   # in the fracta checkout
docker build -f docker/gateway.Dockerfile -t fracta-gateway:latest .
\`\`\`

Then, in this project:

\`\`\`sh
cp deployment/.env.example deployment/.env      # set FRACTA_TOKEN and POSTGRES_PASSWORD in it
docker compose -f deployment/docker-compose.yml up -d
export FRACTA_TOKEN=...                         # the same token
fracta spawn --task hello --prompt "Say hello in hello.md"
fracta list
\`\`\`

\`docker compose ... ps\` shows the health of each service; \`logs controlplane\` its log. State
survives \`restart\` and \`down\`; \`down -v\` also deletes the volumes (every agent and run).

## Notes

- Agents work in \`/workspace/agents/<name>\` in the controlplane container: directories, not git
  worktrees, so \`fracta merge\` does not apply. Clone or copy what an agent needs with
  \`runtime.workspace_setup\` in \`configs/controlplane.yaml\`.
- Provider credentials: set them in \`.env\` (or the environment) and list them under the
  controlplane's \`environment\` in \`docker-compose.yml\`; the control plane passes each runtime only
  its own provider's variables.
- MCP servers for every agent go in \`configs/gateway.yaml\` (\`mcp_servers\`); a server of your own
  can be one more service in \`docker-compose.yml\`, reached by its service name.
- To let teammates reach the control plane, put it behind a TLS proxy, or change the \`ports\`
  entry of \`controlplane\`, and set \`control_plane_api.url\` in their \`fracta.yaml\` to match.
`;

// deployment/auth-helpers/README.md
const AUTH_HELPERS_README = `# Auth helpers

Programs that print a credential for an agent runtime (for example Claude Code's \`apiKeyHelper\`)
go in this folder. fracta puts it on the agents' PATH in container and Kubernetes modes; in local
mode, reference helpers by absolute path or keep them on your own PATH.

- One executable per provider, e.g. \`fetch-anthropic-key\`, printing the secret on stdout.
- Never commit secrets here: helpers fetch them (a password manager, a cloud secret store).
- Reference a helper from \`auth.credentials.profiles.<name>.helper\` in the control plane's
  config (fracta.yaml; in team mode \`deployment/configs/controlplane.yaml\`).
- \`fetch-token-example\`, where the scaffold wrote one, is a starting point: edit or replace it.
`;

// deployment/auth-helpers/fetch-token-example
const FETCH_TOKEN_EXAMPLE = `#!/bin/sh
# fetch-token-example: a starting point for an auth helper. It prints one credential on stdout
# and nothing else (errors go to stderr, with a non-zero exit). It runs in the fracta containers,
# where this folder is /opt/fracta/auth-helpers and on PATH. Rename it (fetch-anthropic-key, ...),
# keep it executable, and reference it from auth.credentials.profiles.<name>.helper in
# configs/controlplane.yaml. Replace the body with one of these, or your own:
#
#   Anthropic API key mounted as a file (a compose secret or a bind mount):
#     cat /run/secrets/anthropic_api_key
#   AWS Bedrock through STS (credentials for CLAUDE_CODE_USE_BEDROCK=1):
#     aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name fracta \\
#       --query Credentials.SessionToken --output text
#   Vertex AI through gcloud:
#     gcloud auth print-access-token
#   A token proxy of your own over HTTP:
#     curl -fsS -H "Authorization: Bearer $PROXY_TOKEN" https://token-proxy.internal/v1/anthropic
#
# (aws, gcloud and curl are not in the fracta images: add them to an image built on top of them.)
set -eu
echo "fetch-token-example: edit deployment/auth-helpers/fetch-token-example to print your credential" >&2
exit 1
`;

const FILES: Readonly<Record<FileScaffoldMode, readonly ScaffoldFile[]>> = {
  local: [
    { path: 'fracta.yaml', content: LOCAL_CONFIG, mode: 0o644 },
    { path: 'deployment/auth-helpers/README.md', content: AUTH_HELPERS_README, mode: 0o644 },
  ],
  'docker-compose': [
    { path: 'fracta.yaml', content: COMPOSE_CONFIG, mode: 0o644 },
    { path: 'deployment/README.md', content: DEPLOYMENT_README, mode: 0o644 },
    { path: 'deployment/docker-compose.yml', content: COMPOSE_FILE, mode: 0o644 },
    { path: 'deployment/.env.example', content: ENV_EXAMPLE, mode: 0o644 },
    { path: 'deployment/.gitignore', content: DEPLOYMENT_GITIGNORE, mode: 0o644 },
    { path: 'deployment/configs/controlplane.yaml', content: CONTROLPLANE_CONFIG, mode: 0o644 },
    { path: 'deployment/configs/gateway.yaml', content: GATEWAY_CONFIG, mode: 0o644 },
    { path: 'deployment/auth-helpers/README.md', content: AUTH_HELPERS_README, mode: 0o644 },
    { path: 'deployment/auth-helpers/fetch-token-example', content: FETCH_TOKEN_EXAMPLE, mode: 0o755 },
  ],
};

/** What each mode adds to .gitignore, under a comment line saying why. */
const IGNORED: Readonly<
  Record<FileScaffoldMode, { readonly why: string; readonly entries: readonly string[] }>
> = {
  local: { why: 'runtime state and agent worktrees', entries: ['.fracta/', '.worktrees/'] },
  'docker-compose': { why: 'local state', entries: ['.fracta/'] },
};

export function scaffoldFiles(mode: FileScaffoldMode): readonly ScaffoldFile[] {
  return FILES[mode];
}

export function ignoredPaths(mode: FileScaffoldMode): {
  readonly why: string;
  readonly entries: readonly string[];
} {
  return IGNORED[mode];
}
