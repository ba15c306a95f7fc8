import { readRepoFile, repoFiles, workspaces } from './guards/repo-files';
import { roster } from './roster';

/** The roster says what the services' own code says: the same services, ports and needs. */

const notServices = ['common', 'devstack', 'client'];

it('lists every workspace that is a service, and only those', () => {
  const files = new Set(repoFiles());
  const services = workspaces.filter((w) => !notServices.includes(w) && files.has(`${w}/src/index.ts`));
  expect(roster.map((s) => s.name).sort()).toEqual(services.sort());
});

it.each(roster)("matches $name's configuration: default port, database, bus and Redis", (service) => {
  const config = readRepoFile(`${service.name}/src/config.ts`);
  // Services read their port and the bus, and the database if they have one, through storeAndBusConfig(port)
  // or busConfig(port).
  const [, fragment, port] = /\.\.\.(storeAndBusConfig|busConfig)\((\d+)\)/.exec(config) ?? [];
  expect({
    port: Number(port ?? /PORT:\s*[\w.]*default\((\d+)\)/.exec(config)?.[1]),
    database: fragment === 'storeAndBusConfig' || /\bDATABASE_URL:/.test(config),
    bus: !!fragment || /\bNATS_URL:/.test(config),
    // Services with user routes read REDIS_URL (their write limit) through userFacingConfig.
    redis: /\bREDIS_URL:|\.\.\.userFacingConfig\b/.test(config),
  }).toEqual({ port: service.port, database: service.database !== null, bus: service.bus, redis: service.redis });
});

it("matches the client's default service addresses", () => {
  const config = readRepoFile('client/lib/config.ts');
  const defaults = Object.fromEntries(
    [...config.matchAll(/(\w+): \{ env: '\w+', url: 'http:\/\/127\.0\.0\.1:(\d+)' \}/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );
  expect(defaults).toEqual(
    Object.fromEntries(roster.filter((s) => s.name in defaults || s.routePrefix).map((s) => [s.name, s.port])),
  );
});
