// Bundles each service's src/index.ts into <service>/dist/index.js: @microtick/common is inlined,
// npm dependencies stay external (installed in node_modules), so images ship one small file per service.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const requested = process.argv.slice(2);
// Without names: every service of the roster. (An image build names its one service.)
const rosterNames = async () => {
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport('../devstack/src/roster.ts', import.meta.url)).serviceNames;
};
const services = requested.length ? requested : await rosterNames();
const deps = (dir) =>
  Object.keys(JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')).dependencies ?? {});

await Promise.all(
  services
    .filter((s) => existsSync(path.join(root, s, 'src/index.ts')))
    .map((service) =>
      build({
        entryPoints: [path.join(root, service, 'src/index.ts')],
        outfile: path.join(root, service, 'dist/index.js'),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        sourcemap: true,
        logLevel: 'warning',
        external: [...deps(service), ...deps('common')].filter((d) => !d.startsWith('@microtick/')),
      }),
    ),
);
