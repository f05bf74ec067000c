/**
 * The supervisor every local agent runs under, as
 * `node --disable-sigusr1 -e <this> -- <stateDir> <argv0> <file> [args…]`.
 * The backend spawns it detached, so it leads the agent's session and process group, and does not
 * wait for it: the handle (its pid and start time) exists as soon as it is spawned. It then:
 * - spawns the real program (no shell; the path is already resolved) with the same stdio file
 *   descriptors, so output goes straight to the run's files whatever happens to the control plane;
 * - forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT and SIGUSR2 to the program (a group-wide signal such as
 *   the backend's stop therefore reaches the program twice, which programs treat like one);
 * - when the program ends, writes `{exitCode, signal}` atomically (temp file, fsync, rename) to
 *   `<stateDir>/<pid>-<starttime>.exit.json`, named after its own handle id so that a control
 *   plane that restarted can learn the real exit status; then exits the same way (same code, or
 *   the same signal re-raised);
 * - when the program cannot be executed (it vanished after the backend's lookup, its `#!`
 *   interpreter is missing, …), writes `{exitCode: null, signal: null, error}` there instead, says
 *   so on the program's stderr and exits 127: wait() reports the error.
 * Variables Node.js itself acts on (NODE_OPTIONS, NODE_DEBUG, …, UV_*) arrive prefixed with
 * FRACTA_WRAPPER_ so that they cannot change this script, and are put back for the program.
 * `--disable-sigusr1`: a SIGUSR1 to the group must not open an inspector port in the supervisor.
 * Linux only (/proc/self/stat).
 */
export const EXIT_RECORDER_SCRIPT = `'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [stateDir, argv0, file, ...args] = process.argv.slice(1);
const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'];
const PREFIX = 'FRACTA_WRAPPER_';
const HINTS = {
  ENOENT: 'the file, or the interpreter on its #! line, does not exist',
  EACCES: 'permission denied (is it executable, and its #! interpreter too?)',
  ENOEXEC: 'not an executable format',
  E2BIG: 'argument list and environment too long',
};

const stat = fs.readFileSync('/proc/self/stat', 'utf8');
const startTime = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ')[19];
const exitFile = path.join(stateDir, process.pid + '-' + startTime + '.exit.json');

function record(exit) {
  try {
    const temporary = exitFile + '.tmp';
    const fd = fs.openSync(temporary, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(exit));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, exitFile);
  } catch {}
}

const env = {};
for (const [name, value] of Object.entries(process.env)) {
  env[name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name] = value;
}

let child = null;
let spawned = false;
let finished = false;
for (const name of FORWARDED) {
  process.on(name, () => {
    try {
      if (child !== null) child.kill(name);
    } catch {}
  });
}

function cannotExecute(error) {
  if (spawned || finished) return;
  finished = true;
  const code = (error && error.code) || 'UNKNOWN';
  const message = 'could not execute ' + file + ': ' + code + ', ' + (HINTS[code] || String(error && error.message));
  try {
    fs.writeSync(2, 'fracta: ' + message + '\\n');
  } catch {}
  record({ exitCode: null, signal: null, error: message });
  process.exit(127);
}

try {
  child = spawn(file, args, { argv0, env, stdio: 'inherit' });
} catch (error) {
  cannotExecute(error);
}
child.once('spawn', () => {
  spawned = true;
});
child.on('error', cannotExecute);
child.once('exit', (exitCode, signal) => {
  if (finished) return;
  finished = true;
  record({ exitCode, signal });
  if (signal === null) process.exit(exitCode === null ? 1 : exitCode);
  for (const name of FORWARDED) process.removeAllListeners(name);
  // Node keeps SIGUSR1 for itself even with --disable-sigusr1: that one is only reported.
  if (signal !== 'SIGUSR1') {
    try {
      process.kill(process.pid, signal);
    } catch {}
  }
  setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), signal === 'SIGUSR1' ? 0 : 200);
});
`;
