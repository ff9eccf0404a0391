// The CLI as it was before bundling (tsc's ESM output), kept to measure "before" in BENCHMARKS.md.
import { main } from '../../packages/cli/dist/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
setTimeout(() => process.exit(code), 200).unref();
