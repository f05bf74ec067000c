import { describe, expect, it } from '@jest/globals';

import { WorkspaceGates } from './workspace-gates.js';

describe(WorkspaceGates.name, () => {
  it('should answer true at once for a mission nothing holds', async () => {
    await expect(new WorkspaceGates().ready('m-1')).resolves.toBe(true);
  });

  it('should hold a mission until it is released, then answer what the release said', async () => {
    const gates = new WorkspaceGates();
    gates.hold('m-ok');
    gates.hold('m-failed');
    const seen: string[] = [];
    const ok = gates.ready('m-ok').then((ready) => seen.push(`ok:${String(ready)}`));
    const failed = gates.ready('m-failed').then((ready) => seen.push(`failed:${String(ready)}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);

    gates.release('m-failed', false);
    gates.release('m-ok', true);
    await Promise.all([ok, failed]);

    expect(seen).toEqual(['failed:false', 'ok:true']);
    // A failed spawn stays known to an executor that asks late; a ready one is forgotten.
    await expect(gates.ready('m-failed')).resolves.toBe(false);
    await expect(gates.ready('m-ok')).resolves.toBe(true);
  });

  it('should ignore a release of a mission it does not hold', async () => {
    const gates = new WorkspaceGates();
    gates.release('m-none', false);
    await expect(gates.ready('m-none')).resolves.toBe(true);
  });
});
