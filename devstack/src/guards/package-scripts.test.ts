import { existsSync } from 'node:fs';
import path from 'node:path';
import { readRepoFile, repoRoot, workspaces } from './repo-files';

/**
 * Every npm script names things that exist: the file `node`, `tsx`, `bash` or `sh` runs, the project
 * `tsc -p` reads, the Makefile target `make` builds. (Paths under .next/ and dist/ are build output.)
 */
function problemsOf(packageDir: string): string[] {
  const scripts: Record<string, string> = JSON.parse(readRepoFile(path.join(packageDir, 'package.json'))).scripts ?? {};
  const makeTargets = new Set([...readRepoFile('Makefile').matchAll(/^([\w-]+):/gm)].map((m) => m[1]));
  const problems: string[] = [];
  for (const [name, script] of Object.entries(scripts)) {
    for (const command of script.split(/&&|\|\||;|\|/)) {
      const words = command
        .trim()
        .split(/\s+/)
        .filter((w) => !/^[A-Z_]+=/.test(w));
      const [program, ...args] = words;
      const operand = args.find((a) => !a.startsWith('-'));
      const missing = (file: string | undefined, what: string) => {
        if (!file || /^(\.next|dist)\//.test(file)) return;
        if (!existsSync(path.join(repoRoot, packageDir, file)))
          problems.push(`${packageDir}: "${name}" ${what} ${file}`);
      };
      if (['node', 'tsx', 'bash', 'sh'].includes(program)) missing(operand, 'runs a missing file');
      if (program === 'tsc' && args.includes('-p')) missing(args[args.indexOf('-p') + 1], 'names a missing project');
      if (program === 'make' && operand && !makeTargets.has(operand))
        problems.push(`${packageDir}: "${name}" runs a missing Makefile target ${operand}`);
    }
  }
  return problems;
}

it('every package.json script points at a file or Makefile target that exists', () => {
  expect(['.', ...workspaces].flatMap(problemsOf)).toEqual([]);
});
