'use strict';
// Benchmark input: a module-level Map of N small `Session` objects, then one heap snapshot.
// Usage: node --expose-gc big.js N OUT.heapsnapshot
const v8 = require('v8');
const N = Number(process.argv[2] || 2200000);
const out = process.argv[3] || 'big.heapsnapshot';
class Session {
  constructor(i) {
    this.id = i;
    this.user = 'u' + i;
    this.hits = i & 7;
  }
}
const sessions = new Map();
for (let i = 0; i < N; i++) sessions.set(i, new Session(i));
module.exports = { lookup: (i) => sessions.get(i) };
global.gc();
const t = Date.now();
v8.writeHeapSnapshot(out);
console.log(`wrote ${out} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
