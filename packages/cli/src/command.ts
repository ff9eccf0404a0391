import { main } from './main.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // A keychain call that timed out may still hold a native thread: do not wait for it.
  setTimeout(() => process.exit(code), 200).unref();
});
