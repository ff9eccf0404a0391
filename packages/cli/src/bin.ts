// The `auth` executable: as little as possible before the command's own bundle loads, so that
// the compile cache (compile-cache.ts) covers that bundle too.
import './title.js';
import { runCommand } from './compile-cache.js';
import { requireSupportedNode } from './node-support.js';

requireSupportedNode();
runCommand(__dirname, module);
