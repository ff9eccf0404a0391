// The Public Suffix List (85 KB) as plain text in a file of its own, read only when a wildcard is
// checked: as code, every start-up would compile it, and even loaded lazily as a module it cost
// a command's first wildcard check 3 ms; read as bytes, 0.3 ms.
import { writeFileSync } from 'node:fs';

export const PSL_FILE = 'public-suffix-data.txt';

/** Writes the rules beside the bundle and returns the plugin that reads them from there. */
export async function publicSuffixText(coreDist, outDir) {
  const { PSL_RULES } = await import(`${coreDist}public-suffix-data.js`);
  // Searched as bytes: the rules are IDNA ASCII, and the build checks it.
  if (!/^[\x21-\x7e]*$/.test(PSL_RULES)) throw new Error('public suffix rules are not printable ASCII');
  writeFileSync(`${outDir}/${PSL_FILE}`, PSL_RULES);
  return {
    name: 'public-suffix-text',
    setup(b) {
      b.onResolve({ filter: /public-suffix-data\.js$/ }, () => ({ path: 'psl', namespace: 'public-suffix-text' }));
      // A CommonJS module: its exports are read where they are used, so the getter defers the read.
      b.onLoad({ filter: /.*/, namespace: 'public-suffix-text' }, () => ({
        // The file's bytes, not a string: core searches them as they are (public-suffix.ts).
        contents: `module.exports = { get PSL_RULES() { return require('node:fs').readFileSync(require('node:path').join(__dirname, ${JSON.stringify(PSL_FILE)})); } };`,
        loader: 'js',
      }));
    },
  };
}
