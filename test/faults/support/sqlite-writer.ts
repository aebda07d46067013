// A bot process for the crash test (storage.test.ts): opens the SQLite store in the directory
// given as argv[2], creates cases as fast as it can, and prints `ack <id>` for every create that
// resolved. The parent kills it with SIGKILL mid-way and checks that every acknowledged case is there.
import { systemClock } from '../../../src/clock.js';
import { createRepositories, openStore } from '../../../src/store/index.js';
import { newCase } from './cases.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: sqlite-writer <dataDir>');
const kv = await openStore({ dataDir });
const repos = createRepositories(kv, systemClock);
let n = 0;
process.stdout.write('ready\n');
// Four writers at once, as a busy bot has several audits finishing together.
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (;;) {
      const c = await repos.cases.create(newCase('crash-ws', n++));
      process.stdout.write(`ack ${c.id}\n`);
    }
  }),
);
