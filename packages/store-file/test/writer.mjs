// A separate process that writes to a credentials file, for the concurrency and crash tests.
//   node writer.mjs <path> <key> <token> [options-json]   one write, then exit
//   node writer.mjs <path> <key> --loop [options-json]    write <key> = v0, v1, v2, ... until killed
// options-json: FileStoreOptions such as {"staleLockMs":200,"machine":"host-a"}.
// Prints "stored <key> <token>" after each write that returned, so a test knows what was reported stored.
import { FileStore } from '../dist/index.js';

const [path, key, token, options] = process.argv.slice(2);
const store = new FileStore({ path, lockTimeoutMs: 30_000, ...(options ? JSON.parse(options) : {}) });
try {
  if (token === '--loop') {
    process.stdout.write('ready\n');
    for (let i = 0; ; i++) {
      await store.set(key, { type: 'bearer', token: `v${i}` });
      process.stdout.write(`stored ${key} v${i}\n`);
    }
  } else {
    await store.set(key, { type: 'bearer', token });
    process.stdout.write(`stored ${key} ${token}\n`);
  }
} catch (error) {
  process.stderr.write(`${error.code ?? 'ERROR'}: ${error.message}\n`);
  process.exitCode = 1;
}
