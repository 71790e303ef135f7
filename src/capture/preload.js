'use strict';
// leaklint capture preload: loaded into the program with `node --require` (or NODE_OPTIONS).
// Takes heap snapshots on request over a Unix socket (LEAKLINT_CAPTURE_SOCKET) and on SIGUSR2,
// into LEAKLINT_CAPTURE_DIR, after forcing a full GC, each file created with mode 0600.
// Before writing it checks that the memory left can hold a snapshot and skips it otherwise:
// a snapshot needs memory of the order of the heap, and a process over its container's limit is
// killed (or Node writes an empty file) — the user's program must never be the one to pay.
// Protocol, one line each way, after a greeting `hello PID`: `snapshot NAME` → `ok PATH` | `skip REASON` | `error MESSAGE`;
// `exit` → the process exits (code 0). Snapshots taken on SIGUSR2 are announced as `ok PATH`.
(function leaklintCapture() {
  const socketPath = process.env.LEAKLINT_CAPTURE_SOCKET;
  const outDir = process.env.LEAKLINT_CAPTURE_DIR;
  if (!socketPath || !outDir) return;
  // With NODE_OPTIONS every Node process of a launcher loads this file (npm itself, npx, yarn):
  // only the program they start takes snapshots.
  const main = process.argv[1] || '';
  if (/[\\/](npm|npx|yarn|pnpm|corepack)(-cli)?(\.c?js)?$|[\\/]node_modules[\\/](npm|yarn|pnpm|corepack)[\\/]/.test(main)) {
    return;
  }
  const fs = require('fs');
  const net = require('net');
  const os = require('os');
  const path = require('path');
  const v8 = require('v8');
  const vm = require('vm');

  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  let seq = 0;
  const clients = new Set();

  function readNumber(file) {
    try {
      const n = Number(fs.readFileSync(file, 'utf8').trim());
      return Number.isFinite(n) ? n : undefined;
    } catch {
      return undefined;
    }
  }

  // Bytes the process may still allocate: free system memory, bounded by a cgroup (v2, then v1)
  // memory limit, or by LEAKLINT_CAPTURE_MEMORY_LIMIT when set.
  function available() {
    let avail = os.freemem();
    const forced = Number(process.env.LEAKLINT_CAPTURE_MEMORY_LIMIT);
    const limits = [];
    if (Number.isFinite(forced) && forced > 0) {
      limits.push([forced, process.memoryUsage().rss]);
    }
    const v2 = readNumber('/sys/fs/cgroup/memory.max');
    if (v2) limits.push([v2, readNumber('/sys/fs/cgroup/memory.current') || 0]);
    const v1 = readNumber('/sys/fs/cgroup/memory/memory.limit_in_bytes');
    if (v1 && v1 < 2 ** 60) limits.push([v1, readNumber('/sys/fs/cgroup/memory/memory.usage_in_bytes') || 0]);
    for (const [limit, used] of limits) avail = Math.min(avail, Math.max(0, limit - used));
    return avail;
  }

  function take(name) {
    gc();
    gc();
    const heap = v8.getHeapStatistics();
    // Writing a snapshot builds its graph and strings outside the JS heap: about the size of
    // the used heap again, plus the output buffers.
    const needed = heap.used_heap_size * 2;
    const avail = available();
    if (needed > avail) {
      return `skip not enough memory for a snapshot: needs about ${needed} bytes, ${avail} available (used heap ${heap.used_heap_size} bytes)`;
    }
    seq += 1;
    const file = path.join(outDir, `${String(seq)}-${name.replace(/[^\w.-]/g, '_')}.heapsnapshot`);
    try {
      fs.closeSync(fs.openSync(file, 'wx', 0o600));
      v8.writeHeapSnapshot(file);
      fs.chmodSync(file, 0o600);
    } catch (e) {
      return `error ${String(e && e.message).replace(/\n/g, ' ')}`;
    }
    return `ok ${file}`;
  }

  const server = net.createServer((conn) => {
    clients.add(conn);
    conn.write(`hello ${process.pid}\n`);
    conn.on('close', () => clients.delete(conn));
    conn.on('error', () => clients.delete(conn));
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line === 'exit') {
          conn.end('ok exit\n', () => process.exit(0));
          return;
        }
        const m = /^snapshot (\S+)$/.exec(line);
        conn.write(m ? `${take(m[1])}\n` : `error unknown request: ${line.slice(0, 80)}\n`);
      }
    });
  });
  server.on('error', (e) => {
    process.emitWarning(`leaklint capture: control socket: ${e.message}`);
  });
  server.listen(socketPath, () => {
    try {
      fs.chmodSync(socketPath, 0o600);
    } catch {}
  });
  // The socket must not keep a program alive that would otherwise exit.
  server.unref();

  process.on('SIGUSR2', () => {
    const reply = take('signal');
    for (const c of clients) c.write(`${reply}\n`);
    if (!clients.size) process.emitWarning(`leaklint capture: ${reply}`);
  });
})();
