import { BaseCommand } from '../../base-command.js';
import { isServing, readPid } from '../../lib/local-controlplane.js';
import { clientFor } from '../../lib/project.js';

interface Status {
  running: boolean;
  url: string;
  pid: number | null;
  agents: Record<string, number>;
}

export default class ControlplaneStatus extends BaseCommand {
  static override summary = "Show whether this project's control plane runs, where, and its agents by status";
  static override examples = [
    '<%= config.bin %> controlplane status',
    '<%= config.bin %> controlplane status --json',
  ];
  static override enableJsonFlag = true;

  async run(): Promise<Status> {
    const project = await this.project();
    const running = await isServing(project, process.env);
    const agents: Record<string, number> = {};
    if (running) {
      const page = await (await clientFor(project, process.env)).listAgents({ limit: 500 });
      for (const agent of page.agents) agents[agent.status] = (agents[agent.status] ?? 0) + 1;
    }
    const status: Status = { running, url: project.baseUrl, pid: (await readPid(project)) ?? null, agents };
    if (!running) {
      this.log(`not running (${project.baseUrl}); start it with: fracta controlplane start`);
      this.exit(6);
    }
    const counts =
      Object.entries(agents)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'no agents';
    this.log(`running at ${status.url}${status.pid ? ` (pid ${status.pid})` : ''}: ${counts}`);
    return status;
  }
}
