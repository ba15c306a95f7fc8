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

const PATH = /(?<![\w/:.@<-])([\w-]+(?:\/[\w.[\]-]+)+)/g;

/**
 * The paths in `text` that start at one of the repository's top-level folders (like orders/src/app.ts),
 * or at any folder's src/, and are neither a file nor a folder of `files`. Build output (dist/, .next/, infra/k8s/pinned/) is left
 * out, and so is a two-segment path without an extension (orders/s is a rate).
 */
export function missingRepoPaths(text: string, files: string[]): string[] {
  const topFolders = new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
  return (
    [...text.matchAll(PATH)]
      .map((m) => m[1].replace(/[.]+$/, '').replace(/^([^[]*)\]$/, '$1'))
      // A workspace's source counts even when the workspace is gone: that is when its paths go stale.
      .filter((p) => topFolders.has(p.split('/')[0]) || p.split('/')[1] === 'src')
      .filter((p) => !/(^|\/)(dist|\.next|node_modules|pinned)(\/|$)/.test(p))
      .filter((p) => /\.\w+$/.test(p) || p.split('/').length >= 3)
      .filter((p) => !files.some((f) => f === p || f.startsWith(`${p.replace(/\/$/, '')}/`)))
  );
}
