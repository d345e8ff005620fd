// The central server (`loket-central`) for the end-to-end tests: start it, kill it, and run its CLI
// on the same data folder.

import { execFileSync, spawn } from 'node:child_process';

/** Starts `loket-central serve`; resolves with the child and its URL once it printed `listening on …`. */
export function startCentral({ bin, dataDir, listen = '127.0.0.1:0', onOutput = () => {} }) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(bin, ['serve', '--data-dir', dataDir, '--listen', listen], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOKET_CENTRAL_LOG: process.env.LOKET_CENTRAL_LOG ?? 'warn' },
    });
    let settled = false;
    const settle = (fn, v) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(v);
    };
    const timer = setTimeout(
      () => settle(reject, new Error(`loket-central did not print its address within 30 s; output:\n${output}`)),
      30_000,
    );
    const collect = (chunk) => {
      const text = chunk.toString();
      output += text;
      onOutput(text);
      const m = output.match(/listening on (http:\/\/\S+)/);
      if (m) settle(resolve, { child, url: m[1].replace(/\/$/, '') });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (e) => settle(reject, e));
    child.on('exit', (code, signal) =>
      settle(reject, new Error(`loket-central exited early (code ${code}, signal ${signal}); output:\n${output}`)),
    );
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
