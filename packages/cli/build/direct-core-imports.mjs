// An esbuild plugin: imports of @auth/core name the module that defines each binding, not the
// package's index. Through the index, loading any of core would initialise every module of it
// (OAuth, S3, the authenticator) at every start-up, where `auth token` needs a third of them.
import { readFileSync } from 'node:fs';

const CORE_IMPORT = /import\s*\{([^}]*)\}\s*from\s*'@auth\/core';/g;

/** `coreDist`: the folder of core's built modules, its index.js among them. */
export async function directCoreImports(coreDist) {
  const moduleOf = new Map();
  for (const [, file] of readFileSync(`${coreDist}index.js`, 'utf8').matchAll(/from '\.\/([\w-]+\.js)'/g)) {
    for (const name of Object.keys(await import(`${coreDist}${file}`))) if (!moduleOf.has(name)) moduleOf.set(name, file);
  }
  const rewrite = (path, list) => {
    const byFile = new Map();
    for (const spec of list.split(',').map((s) => s.trim())) {
      // Types leave nothing to import.
      if (spec === '' || spec.startsWith('type ')) continue;
      const file = moduleOf.get(spec.split(/\s+as\s+/)[0]);
      if (!file) throw new Error(`${path}: @auth/core exports no ${spec}`);
      byFile.set(file, [...(byFile.get(file) ?? []), spec]);
    }
    return [...byFile].map(([file, names]) => `import { ${names.join(', ')} } from '${coreDist}${file}';`).join('');
  };
  return {
    name: 'direct-core-imports',
    setup(b) {
      b.onLoad({ filter: /[\\/](cli[\\/]src|store-[a-z]+[\\/]dist)[\\/].+\.(ts|js)$/ }, ({ path }) => ({
        contents: readFileSync(path, 'utf8').replace(CORE_IMPORT, (_, list) => rewrite(path, list)),
        loader: path.endsWith('.ts') ? 'ts' : 'js',
      }));
    },
  };
}
