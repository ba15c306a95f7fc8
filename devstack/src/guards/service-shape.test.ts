import { roster } from '../roster';
import { readRepoFile, repoFiles } from './repo-files';

/**
 * Every service's src/ is furnished alike (docs/decisions.md, "One shape for every service"): index.ts,
 * app.ts, config.ts and rules.ts with its test at the top, then http/ (the routes), events/ (a file per
 * subject consumed, started from events/index.ts), store/ (the only SQL and queue code) and
 * testing/<service>-under-test.ts. Other modules go into one of those folders; tests may sit at the top.
 */
const TOP_LEVEL_MODULES = ['index.ts', 'app.ts', 'config.ts', 'rules.ts'];

function problemsOf(service: string, files: string[]): string[] {
  const src = `${service}/src/`;
  const own = files.filter((f) => f.startsWith(src)).map((f) => f.slice(src.length));
  const required = [
    ...TOP_LEVEL_MODULES,
    'rules.test.ts',
    'events/index.ts',
    `testing/${service}-under-test.ts`,
  ].filter((file) => !own.includes(file));
  const folders = ['http/', 'store/'].filter((folder) => !own.some((f) => f.startsWith(folder)));
  const loose = own.filter((f) => !f.includes('/') && !f.endsWith('.test.ts') && !TOP_LEVEL_MODULES.includes(f));
  return [
    ...[...required, ...folders].map((missing) => `${src}${missing} is missing`),
    ...loose.map((file) => `${src}${file} belongs in one of its folders`),
  ];
}

const files = repoFiles();

it('every service has the same src/ folders and top-level files', () => {
  expect(roster.flatMap((service) => problemsOf(service.name, files))).toEqual([]);
});

// A health check's SELECT 1 asks only whether the database answers.
const SQL = /\b(SELECT (?!1\b)|INSERT INTO|UPDATE \w+ SET|DELETE FROM)/;

it('only store/ (and tests) of a service hold SQL', () => {
  const outsideStore = files.filter(
    (f) =>
      roster.some((s) => f.startsWith(`${s.name}/src/`)) &&
      f.endsWith('.ts') &&
      !/\/(store|testing)\//.test(f) &&
      !f.endsWith('.test.ts'),
  );
  expect(outsideStore.filter((f) => SQL.test(readRepoFile(f)))).toEqual([]);
});
