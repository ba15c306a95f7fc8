import path from 'node:path';
import { missingRepoPaths, readRepoFile, repoFiles } from './repo-files';

/**
 * Comments name only files that exist: every path in a comment of the code, scripts, manifests and build
 * files, or in a test's name, that starts at a top-level folder (like orders/src/store/tickets.ts), or at
 * a folder beside the commenting file (like stripe/stripe-js-stand-in.ts, said in e2e/), is a file or
 * folder here. A comment that names a moved or deleted file sends the reader nowhere.
 */

const files = repoFiles();
const commented = files.filter(
  (f) =>
    !/(^|\/)(node_modules|dist|\.next)\//.test(f) &&
    /(\.(tsx?|m?js|cjs|sh|ya?ml)|(^|\/)(Makefile|Dockerfile))$/.test(f),
);
const COMMENT = /\/\*[\s\S]*?\*\/|(?<![:'"`\\])\/\/.*|^\s*#(?!!).*/gm;
/** A test's or a group's name, which says what is tested and so often where: it('…'), describe.each(…)('…'). */
const TEST_NAME = /\b(?:it|test|describe)(?:\.\w+)*(?:\([^)]*\))?\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g;
/** Named on purpose though git does not keep them. */
const generated = new Set([
  'client/server.js', // inside the Next.js standalone output the image copies
  'client/next-env.d.ts', // written by next build
]);

function problemsOf(file: string): string[] {
  const text = readRepoFile(file);
  const comments = [...(text.match(COMMENT) ?? []), ...[...text.matchAll(TEST_NAME)].map((m) => m[2])].join('\n');
  const dir = path.posix.dirname(file);
  const besideFile =
    dir === '.' ? [] : files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1));
  const exists = (p: string, among: string[]) => among.some((f) => f === p || f.startsWith(`${p.replace(/\/$/, '')}/`));
  const missing = new Set([...missingRepoPaths(comments, files), ...missingRepoPaths(comments, besideFile)]);
  return [...missing]
    .filter((p) => !generated.has(p) && !exists(p, files) && !exists(p, besideFile))
    .map((p) => `${file}: a comment or test name names ${p}, which does not exist`);
}

it('comments, manifest comments and test names name only files and folders that exist', () => {
  expect(commented.flatMap(problemsOf)).toEqual([]);
});
