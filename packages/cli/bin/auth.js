#!/usr/bin/env node
import { main } from '../dist/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// A keychain call that timed out may still hold a native thread: do not wait for it.
setTimeout(() => process.exit(code), 200).unref();
