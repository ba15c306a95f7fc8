import { readRepoFile, repoFiles } from './repo-files';

/**
 * The docs name only what exists: every path in README.md and docs/*.md that starts at one of the
 * repository's top-level folders (like orders/src/app.ts) is a file or folder here (build output:
 * dist/, .next/, infra/k8s/pinned/, is left out). The documents that describe the code as it is
 * (README.md, docs/decisions.md) also name only code that exists: every camelCase name they set in
 * code style (like `startStack()` or `maxDeliver`); the others also speak of findings, proposals and
 * history, and of other tools' names.
 */

const files = repoFiles();
const docs = files.filter((f) => f === 'README.md' || /^docs\/[^/]+\.md$/.test(f));
const describingCode = ['README.md', 'docs/decisions.md'];
const code = files
  .filter((f) => /\.(tsx?|m?js)$/.test(f))
  .map(readRepoFile)
  .join('\n');

const topFolders = new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
const PATH = /(?<![\w/:.@<-])([\w-]+(?:\/[\w.[\]-]+)+)/g;
const IDENTIFIER = /`(?:[\w.]+\.)?([a-z][a-z0-9]*[A-Z]\w*)(?:\([^`]*\))?`/g;

function pathProblems(doc: string, text: string): string[] {
  return (
    [...text.matchAll(PATH)]
      .map((m) => m[1].replace(/[.]+$/, '').replace(/^([^[]*)\]$/, '$1'))
      .filter((p) => topFolders.has(p.split('/')[0]) && !/(^|\/)(dist|\.next|node_modules|pinned)(\/|$)/.test(p))
      // orders/s is a rate: a path without an extension is checked from three segments on.
      .filter((p) => /\.\w+$/.test(p) || p.split('/').length >= 3)
      .filter((p) => !files.some((f) => f === p || f.startsWith(`${p.replace(/\/$/, '')}/`)))
      .map((p) => `${doc} names ${p}, which does not exist`)
  );
}

function identifierProblems(doc: string, text: string): string[] {
  return [...text.matchAll(IDENTIFIER)]
    .map((m) => m[1])
    .filter((name) => !new RegExp(`\\b${name}\\b`).test(code))
    .map((name) => `${doc} names ${name}, which the code does not have`);
}

it('docs name only files, folders and functions that exist', () => {
  const problems = docs.flatMap((doc) => {
    const text = readRepoFile(doc);
    return [...pathProblems(doc, text), ...(describingCode.includes(doc) ? identifierProblems(doc, text) : [])];
  });
  expect([...new Set(problems)]).toEqual([]);
});
