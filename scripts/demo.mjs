// The foundation walkthrough (README's first command). The control plane, CLI and gateway are
// not built yet; this runs what exists, for real: it reads fracta.yaml (nearest ancestor of the
// current directory, else defaults), opens the state store it names (SQLite .fracta/state.db by
// default, migrations applied), records a small fleet, drives it through the lifecycle including
// a race between two writers, exchanges messages, and prints the event log from a cursor.
import { isAbsolute, join } from 'node:path';

import { ConfigError, loadConfig } from '@fracta/config';
import { openStore, redactUrl } from '@fracta/store-typeorm';

const cwd = process.env.INIT_CWD ?? process.cwd();
let loaded;
try {
  loaded = await loadConfig({ cwd, env: process.env });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
const { config, path, projectRoot } = loaded;
const state = config.runtime.state;
const storeOptions =
  state.driver === 'postgres'
    ? { kind: 'postgres', url: state.url }
    : { kind: 'sqlite', path: isAbsolute(state.path) ? state.path : join(projectRoot, state.path) };

console.log('fracta foundation walkthrough (the control plane, CLI and gateway come in later issues)');
console.log(`config:  ${path ?? `none found above ${cwd}, using defaults`}`);
console.log(`project: ${config.project.name}`);
console.log(
  `store:   ${storeOptions.kind} ${storeOptions.kind === 'sqlite' ? storeOptions.path : redactUrl(storeOptions.url)}`,
);

let store;
try {
  store = await openStore(storeOptions);
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exit(3);
}
try {
  console.log(`migrations: ${(await store.appliedMigrations()).join(', ')}`);
  const cursor = await store.events.latestId();
  const stamp = Date.now().toString(36);
  const names = ['lint-fix', 'docs', 'refactor'].map((task) => `${task}-${stamp}`);
  const now = () => new Date();

  await store.agents.create({
    draft: { name: names[0], runtime: 'command', labels: { demo: stamp } },
    trigger: 'start',
    at: now(),
  });
  await store.agents.create({
    draft: { name: names[1], runtime: 'claude', mode: 'stream', labels: { demo: stamp } },
    trigger: 'start',
    at: now(),
  });
  await store.agents.create({
    draft: { name: names[2], runtime: 'codex', labels: { demo: stamp } },
    trigger: 'enqueue',
    at: now(),
  });

  await store.agents.update(names[0], { intent: 'fixing lint in src/' });
  await store.agents.transition({
    name: names[1],
    trigger: 'turn_end',
    at: now(),
    patch: { lastOutput: 'waiting for review' },
  });
  await store.messages.send({ from: 'host', to: names[1], body: 'looks good, carry on', createdAt: now() });
  await store.agents.transition({ name: names[1], trigger: 'say', at: now() });
  await store.agents.transition({ name: names[2], trigger: 'start', at: now() });

  const race = await Promise.all([
    store.agents.transition({ name: names[0], trigger: 'complete', at: now(), patch: { exitCode: 0 } }),
    store.agents.transition({ name: names[0], trigger: 'stop', at: now(), reason: 'killed by host' }),
  ]);
  console.log(
    `race on ${names[0]}: complete ${race[0].applied ? 'won' : 'lost'}, stop ${race[1].applied ? 'won' : 'lost'}`,
  );
  await store.agents.transition({
    name: names[2],
    trigger: 'fail',
    at: now(),
    reason: 'exit code 2',
    patch: { exitCode: 2 },
  });

  const inbox = await store.messages.readUnread(names[1], 10);
  console.log(
    `${names[1]} read ${inbox.length} message(s): ${inbox.map((m) => JSON.stringify(m.body)).join(', ')}`,
  );

  console.log('\nagents');
  const page = await store.agents.list({ labels: { demo: stamp } }, { limit: 10 });
  for (const a of page.items) {
    console.log(
      `  ${a.name.padEnd(22)} ${a.runtime.padEnd(8)} ${a.mode.padEnd(6)} ${a.status.padEnd(10)} ${a.failureReason ?? a.intent ?? ''}`,
    );
  }
  console.log(`\nevents after cursor ${cursor}`);
  for (const e of await store.events.list({ after: cursor, limit: 100 })) {
    console.log(
      `  #${String(e.id).padEnd(4)} ${e.action.padEnd(20)} ${String(e.agent).padEnd(22)} ${e.attrs.from} -> ${e.attrs.to}`,
    );
  }
  const total = await store.agents.count({});
  console.log(`\n${total} agent record(s) in the store; run again to add three more.`);
} finally {
  await store.close();
}
