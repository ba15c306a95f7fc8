import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');

/** The files git tracks, or would track (untracked but not ignored), relative to the repository root. */
export function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return out.split('\0').filter(Boolean);
}

export const readRepoFile = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

export const workspaces: string[] = JSON.parse(readRepoFile('package.json')).workspaces;
