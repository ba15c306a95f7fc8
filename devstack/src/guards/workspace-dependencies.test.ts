import { builtinModules } from 'node:module';
import path from 'node:path';
import { readRepoFile, repoFiles, workspaces } from './repo-files';

/**
 * Each workspace declares what it imports, and imports what it declares. A service's bundle keeps its
 * npm packages external and its image installs only what its package.json (and common's) declares, so
 * an undeclared import works here only by the hoisting of another workspace's dependency.
 * Test code (tests, testing/ folders, test support) may also use the root devDependencies, the
 * workspaces, and common's dependencies (installed with every service).
 */

const root = JSON.parse(readRepoFile('package.json'));
const commonDependencies = Object.keys(JSON.parse(readRepoFile('common/package.json')).dependencies ?? {});
const availableToTests = new Set([...Object.keys(root.devDependencies ?? {}), ...commonDependencies]);
const builtins = new Set(builtinModules);
/** Declared without being imported, for a reason the code does not show. */
const usedWithoutImport: Record<string, string[]> = {
  client: ['react-dom'], // next renders with it (a peer dependency of next)
};
/** Imported without being declared: provided by another declared package. */
const providedBy: Record<string, string[]> = {
  client: ['server-only'], // next resolves it itself and declares its type
};

const isTestCode = (file: string) =>
  /\.test\.tsx?$/.test(file) || /(^|\/)testing\//.test(file) || /test-support\.ts$/.test(file);

function packagesImportedBy(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !s.startsWith('@/'))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    )
    .filter((name) => !builtins.has(name));
}

function problemsOf(workspace: string, files: string[]): string[] {
  const manifest = JSON.parse(readRepoFile(path.join(workspace, 'package.json')));
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  const used = new Set(usedWithoutImport[workspace] ?? []);
  const problems: string[] = [];
  for (const file of files.filter((f) => f.startsWith(`${workspace}/`) && /\.(tsx?|mjs|js)$/.test(f))) {
    const test = isTestCode(file);
    for (const name of packagesImportedBy(readRepoFile(file))) {
      if (!test) used.add(name);
      const allowed =
        declared.has(name) ||
        (providedBy[workspace] ?? []).includes(name) ||
        (test && (availableToTests.has(name) || name.startsWith('@microtick/')));
      if (!allowed) problems.push(`${file} imports ${name}, which ${workspace}/package.json does not declare`);
    }
  }
  for (const name of declared) {
    if (!used.has(name)) problems.push(`${workspace}/package.json declares ${name}, which its code does not import`);
  }
  return problems;
}

it('each workspace declares the packages it imports and imports the ones it declares', () => {
  const files = repoFiles().filter((f) => !/(^|\/)(node_modules|dist|\.next)\//.test(f));
  expect([...new Set(workspaces.flatMap((w) => problemsOf(w, files)))]).toEqual([]);
});
