import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError, loadConfig } from '@fracta/config';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { loadProject } from './project.js';
import { scaffoldFiles } from './scaffold-files.js';
import {
  scaffold,
  scaffoldedMode,
  ScaffoldModeConflictError,
  ScaffoldModeUnavailableError,
} from './scaffold.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TOKEN = 'a'.repeat(64);
const ENV = { FRACTA_TOKEN: TOKEN, PG_URL: 'postgres://fracta:secret@postgres:5432/fracta' };

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return (
    entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'))
      // A stack started from the repository's own copy has its secrets here (deployment/.gitignore).
      .filter((path) => path !== 'deployment/.env')
      .sort()
  );
}

const isExecutable = async (path: string) => ((await stat(path)).mode & 0o111) !== 0;

describe("the repository's deployment/", () => {
  const tree = scaffoldFiles('docker-compose').filter((file) => file.path.startsWith('deployment/'));

  // The scaffold is the source: FRACTA_UPDATE_DEPLOYMENT=1 writes it over deployment/ first.
  beforeEach(async () => {
    if (process.env.FRACTA_UPDATE_DEPLOYMENT !== '1') return;
    await rm(join(REPO_ROOT, 'deployment'), { recursive: true, force: true });
    for (const file of tree) {
      const path = join(REPO_ROOT, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
      await chmod(path, file.mode);
    }
  });

  it('should be the docker-compose scaffold, file for file and byte for byte', async () => {
    const hint = 'regenerate it: FRACTA_UPDATE_DEPLOYMENT=1 pnpm --filter cli test -- scaffold-files';
    expect({ files: await filesUnder(join(REPO_ROOT, 'deployment')), hint }).toEqual({
      files: tree.map((file) => file.path).sort(),
      hint,
    });
    for (const file of tree) {
      const path = join(REPO_ROOT, file.path);
      expect({ path: file.path, content: await readFile(path, 'utf8'), hint }).toEqual({
        path: file.path,
        content: file.content,
        hint,
      });
      expect({ path: file.path, executable: await isExecutable(path) }).toEqual({
        path: file.path,
        executable: (file.mode & 0o111) !== 0,
      });
    }
  });
});

describe('scaffold docker-compose', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fracta-scaffold-compose-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should write the thin-client fracta.yaml, the deployment tree and the .gitignore entries', async () => {
    const result = await scaffold(dir, 'docker-compose');
    expect(result).toEqual({
      mode: 'docker-compose',
      written: [
        'fracta.yaml',
        join('deployment', 'README.md'),
        join('deployment', 'docker-compose.yml'),
        join('deployment', '.env.example'),
        join('deployment', '.gitignore'),
        join('deployment', 'configs', 'controlplane.yaml'),
        join('deployment', 'configs', 'gateway.yaml'),
        join('deployment', 'auth-helpers', 'README.md'),
        join('deployment', 'auth-helpers', 'fetch-token-example'),
        '.gitignore',
      ],
      kept: [],
    });
    expect(await isExecutable(join(dir, 'deployment', 'auth-helpers', 'fetch-token-example'))).toBe(true);
    expect(await isExecutable(join(dir, 'deployment', 'docker-compose.yml'))).toBe(false);
    const gitignore = await readFile(join(dir, '.gitignore'), 'utf8');
    expect(gitignore.split('\n')).toContain('.fracta/');
    expect(gitignore).not.toContain('.worktrees');
    expect(await readFile(join(dir, 'deployment', '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });

  it('should make the CLI a thin client of 127.0.0.1:19090 with the token from FRACTA_TOKEN', async () => {
    await scaffold(dir, 'docker-compose');
    const project = await loadProject(dir, ENV);
    expect(project.local).toBe(false);
    expect(project.baseUrl).toBe('http://127.0.0.1:19090');
    expect(project.config.control_plane_api.token).toBe(TOKEN);
    expect(scaffoldedMode(await readFile(join(dir, 'fracta.yaml'), 'utf8'))).toBe('docker-compose');
    // Without the token the CLI says which variable to set, instead of failing later with a 401.
    await expect(loadProject(dir, {})).rejects.toThrow(/FRACTA_TOKEN is not set/);
  });

  it('should give the control plane a config @fracta/config accepts: Postgres state and queue, directories, no managed gateway', async () => {
    await scaffold(dir, 'docker-compose');
    const path = join(dir, 'deployment', 'configs', 'controlplane.yaml');
    const { config } = await loadConfig({ cwd: dir, env: ENV, path });
    expect(config.runtime.backend).toBe('local');
    expect(config.runtime.state).toEqual({ driver: 'postgres', url: ENV.PG_URL, pool_max: 10 });
    expect(config.runtime.queue.backend).toBe('postgres');
    expect(config.runtime.workspace_kind).toBe('directory');
    expect(config.runtime.workspace_root).toBe('/workspace/agents');
    expect(config.gateway).toMatchObject({ managed: false, url: 'http://gateway:8080' });
    expect(config.control_plane_api).toMatchObject({ listen: '0.0.0.0:9090', token: TOKEN });

    const missing = await loadConfig({ cwd: dir, env: {}, path }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ConfigError);
    expect(String(missing)).toMatch(/PG_URL is not set/);
    expect(String(missing)).toMatch(/FRACTA_TOKEN is not set/);
  });

  it('should give the gateway a config @fracta/config accepts, listening for the compose network', async () => {
    await scaffold(dir, 'docker-compose');
    const path = join(dir, 'deployment', 'configs', 'gateway.yaml');
    const { config } = await loadConfig({ cwd: dir, env: {}, path });
    expect(config.gateway).toMatchObject({ listen: '0.0.0.0:8080', url: 'http://gateway:8080' });
    expect(config.mcp_servers).toEqual({});
  });

  it('should keep every file on a second run and refuse to become local, saying how to switch', async () => {
    await scaffold(dir, 'docker-compose');
    await writeFile(join(dir, 'deployment', 'configs', 'gateway.yaml'), 'version: 1\n');
    const again = await scaffold(dir, 'docker-compose');
    expect(again.written).toEqual([]);
    expect(again.kept).toHaveLength(9);
    expect(await readFile(join(dir, 'deployment', 'configs', 'gateway.yaml'), 'utf8')).toBe('version: 1\n');

    await expect(scaffold(dir, 'local')).rejects.toThrow(
      [
        'this project is already scaffolded as docker-compose; cannot re-init as local without losing customizations.',
        '  - To switch modes destructively: rm -rf deployment/ fracta.yaml .fracta/ && fracta init --scaffold local',
        '  - To keep your existing docker-compose setup: re-run fracta init --scaffold docker-compose',
      ].join('\n'),
    );
  });

  it('should refuse to turn a local project into a compose one (a conflict: exit 4)', async () => {
    await scaffold(dir, 'local');
    const refused = scaffold(dir, 'docker-compose');
    await expect(refused).rejects.toThrow(ScaffoldModeConflictError);
    await expect(refused).rejects.toThrow(
      'this project is already scaffolded as local; cannot re-init as docker-compose',
    );
  });

  it('should say that k8s is not available yet and write nothing (invalid input: exit 2)', async () => {
    const refused = scaffold(dir, 'k8s');
    await expect(refused).rejects.toThrow(ScaffoldModeUnavailableError);
    await expect(refused).rejects.toThrow(/--scaffold k8s is not available/);
    expect(await readdir(dir)).toEqual([]);
  });
});

interface ComposeService {
  image: string;
  restart?: string;
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

describe('deployment/docker-compose.yml', () => {
  const text = scaffoldFiles('docker-compose').find((file) => file.path === 'deployment/docker-compose.yml')!;
  const envExample = scaffoldFiles('docker-compose').find((file) => file.path === 'deployment/.env.example')!;
  const compose = parse(text.content) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const { postgres, controlplane, gateway } = compose.services;

  it('should run postgres, controlplane and gateway, each with a health check and a restart policy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['controlplane', 'gateway', 'postgres']);
    for (const service of Object.values(compose.services)) {
      expect(service.restart).toBe('unless-stopped');
      expect(service.healthcheck?.test.length).toBeGreaterThan(0);
    }
  });

  it('should start each service once what it needs is healthy', () => {
    expect(controlplane!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(gateway!.depends_on).toEqual({ controlplane: { condition: 'service_healthy' } });
  });

  it('should publish only the control plane, on the host loopback port fracta.yaml points at', () => {
    expect(controlplane!.ports).toEqual(['127.0.0.1:19090:9090']);
    expect(postgres!.ports).toBeUndefined();
    expect(gateway!.ports).toBeUndefined();
  });

  it('should keep Postgres data and the workspace in named volumes and mount configs and auth helpers', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['postgres-data', 'workspace']);
    expect(postgres!.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(controlplane!.volumes).toEqual([
      'workspace:/workspace',
      './configs/controlplane.yaml:/workspace/fracta.yaml:ro',
      './auth-helpers:/opt/fracta/auth-helpers:ro',
    ]);
    expect(gateway!.volumes).toEqual([
      './configs/gateway.yaml:/etc/fracta/gateway.yaml:ro',
      './auth-helpers:/opt/fracta/auth-helpers:ro',
    ]);
  });

  it('should take every secret from the environment, required, and commit none', () => {
    for (const secret of ['FRACTA_TOKEN', 'POSTGRES_PASSWORD']) {
      const uses = [...text.content.matchAll(new RegExp(`\\$\\{${secret}([^}]*)\\}`, 'g'))];
      expect(uses.length).toBeGreaterThan(0);
      for (const use of uses) expect(use[1]).toMatch(/^:\?/);
      expect(envExample.content).toMatch(new RegExp(`^${secret}=$`, 'm'));
    }
  });

  it('should list every variable it reads in .env.example', () => {
    const read = new Set(
      [...text.content.matchAll(/\$\{([A-Z0-9_]+)/g), ...text.content.matchAll(/^ {6}- ([A-Z0-9_]+)$/gm)].map(
        (match) => match[1]!,
      ),
    );
    const named = new Set([...envExample.content.matchAll(/^#? ?([A-Z0-9_]+)=/gm)].map((match) => match[1]!));
    const providers = /^(ANTHROPIC|OPENAI|CLAUDE_CODE|AWS)_/;
    expect([...read].filter((name) => !named.has(name) && !providers.test(name))).toEqual([]);
  });

  it("should point the gateway at the control plane's service and the agents at the gateway's", () => {
    expect(gateway!.environment).toContain('CONTROL_PLANE_URL=http://controlplane:9090');
    expect(gateway!.environment).toContain('FRACTA_CONFIG=/etc/fracta/gateway.yaml');
    expect(controlplane!.environment).toContain('FRACTA_CONFIG=/workspace/fracta.yaml');
    expect(controlplane!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:9090/healthz');
    expect(gateway!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:8080/healthz');
  });
});
