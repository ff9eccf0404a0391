// A separate process that writes to a credentials file, for the concurrency and crash tests.
//   node writer.mjs <path> <key> <token>          one write, then exit
//   node writer.mjs <path> <key> --loop           write <key> = v0, v1, v2, ... until killed
import { FileStore } from '../dist/index.js';

const [path, key, token] = process.argv.slice(2);
const store = new FileStore({ path, lockTimeoutMs: 30_000 });
if (token === '--loop') {
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) await store.set(key, { type: 'bearer', token: `v${i}` });
} else {
  await store.set(key, { type: 'bearer', token });
}
