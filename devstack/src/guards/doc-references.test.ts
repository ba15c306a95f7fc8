import { missingRepoPaths, readRepoFile, repoFiles, workspaces } from './repo-files';

/**
 * The docs name only what exists: every path in README.md and docs/*.md that starts at one of the
 * repository's top-level folders (like orders/src/app.ts) is a file or folder here (build output:
 * dist/, .next/, infra/k8s/pinned/, is left out), and every `make …` or `npm run …` they show is a
 * Makefile target or a script of the root or a workspace. The documents that describe the code as it is
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

const IDENTIFIER = /`(?:[\w.]+\.)?([a-z][a-z0-9]*[A-Z]\w*)(?:\([^`]*\))?`/g;

function pathProblems(doc: string, text: string): string[] {
  return missingRepoPaths(text, files).map((p) => `${doc} names ${p}, which does not exist`);
}

const makeTargets = new Set([...readRepoFile('Makefile').matchAll(/^([\w-]+):/gm)].map((m) => m[1]));
const npmScripts = new Set(
  ['package.json', ...workspaces.map((w) => `${w}/package.json`)].flatMap((manifest) =>
    Object.keys(JSON.parse(readRepoFile(manifest)).scripts ?? {}),
  ),
);
/** A command in code style, or at the start of a line of a fenced block: `make up`, `npm run build`. */
const COMMAND = /(?:`|^[ \t]*)(make|npm run) ([\w:-]+)/gm;

function commandProblems(doc: string, text: string): string[] {
  return [...text.matchAll(COMMAND)]
    .filter(([, tool, name]) => !(tool === 'make' ? makeTargets : npmScripts).has(name))
    .map(
      ([, tool, name]) =>
        `${doc} runs ${tool} ${name}, which ${tool === 'make' ? 'the Makefile does not have' : 'no package.json has'}`,
    );
}

function identifierProblems(doc: string, text: string): string[] {
  return [...text.matchAll(IDENTIFIER)]
    .map((m) => m[1])
    .filter((name) => !new RegExp(`\\b${name}\\b`).test(code))
    .map((name) => `${doc} names ${name}, which the code does not have`);
}

it('docs name only files, folders, functions, Makefile targets and npm scripts that exist', () => {
  const problems = docs.flatMap((doc) => {
    const text = readRepoFile(doc);
    return [
      ...pathProblems(doc, text),
      ...commandProblems(doc, text),
      ...(describingCode.includes(doc) ? identifierProblems(doc, text) : []),
    ];
  });
  expect([...new Set(problems)]).toEqual([]);
});
