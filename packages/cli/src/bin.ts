// The `auth` executable: as little as possible before the command's own bundle loads, so that
// on Node.js 22+ V8's compile cache (enabled first) covers that bundle too.
import './title.js';
import './compile-cache.js';

require('./command.cjs');
