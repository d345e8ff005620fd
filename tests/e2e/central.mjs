// The central server (`loket-central`) for the end-to-end tests: start it, kill it, and run its CLI
// on the same data folder.

import { execFileSync } from 'node:child_process';
import { startListening } from './hub.mjs';

/** Starts `loket-central serve`; resolves with the child and its URL once it printed `listening on …`. */
export function startCentral({ bin, dataDir, listen = '127.0.0.1:0', onOutput = () => {} }) {
  return startListening({
    what: 'loket-central',
    bin,
    args: ['serve', '--data-dir', dataDir, '--listen', listen],
    env: { ...process.env, LOKET_CENTRAL_LOG: process.env.LOKET_CENTRAL_LOG ?? 'warn' },
    listening: /listening on (http:\/\/\S+)/,
    onOutput,
  });
}

/** Kills central the hard way (a power cut at the kabupaten) and waits until it is gone. */
export async function killCentral(child, signal = 'SIGKILL') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** Runs `loket-central ARGS --data-dir DIR` and returns its stdout. */
export function centralCli({ bin, dataDir }, args) {
  return execFileSync(bin, [...args, '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
