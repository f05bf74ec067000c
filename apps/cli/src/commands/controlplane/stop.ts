import { BaseCommand } from '../../base-command.js';
import { stop } from '../../lib/local-controlplane.js';

export default class ControlplaneStop extends BaseCommand {
  static override summary = 'Stop the local control plane (SIGTERM, then SIGKILL after 10 s)';
  static override description = 'Running agents keep running; the next start picks them up again.';
  static override examples = ['<%= config.bin %> controlplane stop'];

  async run(): Promise<void> {
    const pid = await stop(await this.project());
    this.log(pid === undefined ? 'not running' : `stopped (pid ${pid})`);
  }
}
