import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import {
  assertAgentName,
  isValidAgentName,
  type MergeResult,
  type PrepareOptions,
  type WorkspaceInfo,
  WorkspaceProvider,
} from '@fracta/domain';

import {
  WorkspaceAlreadyExistsError,
  WorkspaceInvalidError,
  WorkspaceMergeUnsupportedError,
} from './workspace.errors.js';

export interface DirectoryWorkspaceOptions {
  /** Parent of every agent directory (e.g. `/workspace/agents` on a volume). */
  readonly root: string;
}

/**
 * WorkspaceProvider on plain directories, for containers and Kubernetes: `<root>/<agent>`, no
 * branch and no merge.
 */
export class DirectoryWorkspace extends WorkspaceProvider {
  private readonly root: string;

  constructor(options: DirectoryWorkspaceOptions) {
    super();
    this.root = resolve(options.root);
  }

  /** baseBranch does not apply: a directory has no branches. */
  override async prepare(agent: string, options: PrepareOptions = {}): Promise<WorkspaceInfo> {
    assertAgentName(agent);
    const path = join(this.root, agent);
    await mkdir(this.root, { recursive: true });
    try {
      await mkdir(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new WorkspaceAlreadyExistsError(
          agent,
          `directory ${path}`,
          `it is left from an earlier agent or 'fracta kill --keep-files'; remove it or pick another name`,
        );
      }
      throw error;
    }
    const info: WorkspaceInfo = { kind: 'directory', path, branch: null, baseBranch: null };
    if (options.alongside !== undefined) {
      try {
        await options.alongside(info);
      } catch (error) {
        await rm(path, { recursive: true, force: true });
        throw error;
      }
    }
    return info;
  }

  override async remove(workspace: WorkspaceInfo, options: { keepFiles: boolean }): Promise<void> {
    const path = this.checkInfo(workspace);
    if (options.keepFiles) return;
    await rm(path, { recursive: true, force: true });
  }

  override merge(workspace: WorkspaceInfo): Promise<MergeResult> {
    return Promise.reject(new WorkspaceMergeUnsupportedError(workspace.path.slice(0, 200)));
  }

  /** Only `<root>/<agent>` directories are ever removed, whatever a stored record says. */
  private checkInfo(workspace: WorkspaceInfo): string {
    const path = resolve(workspace.path);
    if (workspace.kind !== 'directory' || dirname(path) !== this.root || !isValidAgentName(basename(path))) {
      throw new WorkspaceInvalidError(
        `workspace ${workspace.path.slice(0, 200)} (${workspace.kind}) is not an agent directory of ${this.root}: expected ${this.root}/<agent>`,
        { path: workspace.path.slice(0, 200) },
      );
    }
    return path;
  }
}
