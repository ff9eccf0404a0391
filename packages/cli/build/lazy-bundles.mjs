// Splits the command into CommonJS bundles that load only when needed: the first holds what
// every command runs (start-up compiles all of it, so it is kept small); each later one holds
// the modules reachable from its roots (dynamic imports: the keychain, the commands that talk to
// servers) that no earlier bundle holds. A module lives in exactly one bundle: a later bundle
// takes an earlier one's modules from it at run time (`modules`, getters that initialise a
// module on first use), so classes, caches and state are never duplicated.
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';

const SKIP = Symbol('lazy-bundles: resolve normally');

/**
 * `bundles`: `[{ file, entry } , { file, roots }, …]`, the first with its entry point, the later
 * ones with the absolute paths of their roots. `options`: esbuild options shared by all, with
 * `outdir`. Fails if a module would land in two bundles.
 */
export async function buildLazyBundles(bundles, { outdir, ...options }) {
  const base = resolve(options.absWorkingDir ?? process.cwd());
  const id = (abs) => relative(resolve(base, '..'), abs).split('\\').join('/');
  const rootOf = new Map(bundles.flatMap((b, i) => (b.roots ?? []).map((root) => [root, i])));
  const owner = new Map();
  const handedOut = bundles.map((b) => new Set((b.roots ?? []).map(id)));
  // First pass: who owns which module, and which of its modules each bundle must hand out.
  for (const [index] of bundles.entries()) {
    for (const abs of await buildOne(index, false)) if (!owner.has(abs)) owner.set(abs, index);
  }
  // Second pass: the same bundles, now each handing out what later ones take from it.
  const seen = new Map();
  for (const [index, bundle] of bundles.entries()) {
    for (const abs of await buildOne(index, true)) {
      if (seen.has(abs)) throw new Error(`${abs} is in ${bundles[seen.get(abs)].file} and ${bundle.file}`);
      seen.set(abs, index);
    }
  }

  /** Builds one bundle (written or not) and returns the modules it holds, as absolute paths. */
  async function buildOne(index, write) {
    const bundle = bundles[index];
    // Sorted: esbuild resolves in no fixed order, and the same sources must give the same bundles
    // (the launcher names its cached code after their fingerprint).
    const getters = [...handedOut[index]].sort().map((key) => `get ${JSON.stringify(key)}() { return require(${JSON.stringify(resolve(base, '..', key))}); }`);
    const exportsModules = `export const modules = { ${getters.join(', ')} };`;
    const contents = bundle.entry ? `import ${JSON.stringify(bundle.entry)};\n${exportsModules}` : exportsModules;
    const result = await build({
      ...options,
      stdin: { contents, resolveDir: base, sourcefile: `${bundle.file}.entry.js`, loader: 'js' },
      outfile: `${outdir}/${bundle.file}`,
      write,
      metafile: true,
      external: [...(options.external ?? []), ...bundles.map((b) => `./${b.file}`)],
      plugins: [...(options.plugins ?? []), lazyPlugin(index)],
    });
    return Object.keys(result.metafile.inputs)
      .filter((key) => !key.includes(':') && !key.endsWith('.entry.js'))
      .map((key) => resolve(base, key));
  }

  function lazyPlugin(index) {
    return {
      name: 'lazy-bundles',
      setup(b) {
        b.onResolve({ filter: /.*/ }, async (args) => {
          if (args.pluginData === SKIP || args.kind === 'entry-point') return undefined;
          const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: SKIP });
          if (found.errors.length > 0 || found.external || found.namespace !== 'file') return undefined;
          // A module an earlier bundle holds, or a later bundle's root (only ever imported dynamically).
          const earlier = owner.get(found.path);
          const later = rootOf.get(found.path);
          let from;
          if (earlier !== undefined && earlier < index) from = earlier;
          else if (later !== undefined && later > index) {
            if (args.kind !== 'dynamic-import') throw new Error(`${args.importer} imports ${args.path} statically: it would load ${bundles[later].file} at once`);
            from = later;
          }
          if (from === undefined) return undefined;
          handedOut[from].add(id(found.path));
          return { path: `${bundles[from].file}#${id(found.path)}`, namespace: 'lazy-bundles' };
        });
        b.onLoad({ filter: /.*/, namespace: 'lazy-bundles' }, ({ path }) => {
          const [file, key] = path.split('#');
          return { contents: `module.exports = require(${JSON.stringify(`./${file}`)}).modules[${JSON.stringify(key)}];`, loader: 'js' };
        });
      },
    };
  }
}
