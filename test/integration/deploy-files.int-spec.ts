import fs from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { readDoc } from '../helpers/docs';

/**
 * The deployment files cannot be run here (no Docker, no cluster), so what can be checked without them is: they
 * parse, they use only variables Callpass reads, the compose file escapes `$` for its own interpolation, and the
 * probes, grace periods and ports agree with the service.
 */
const environmentSource = fs.readFileSync('src/config/environment.ts', 'utf8');
const KNOWN_VARIABLES = new Set([...environmentSource.matchAll(/^ {2}([A-Z][A-Z0-9_]+)[?]?[:=! ]/gm)].map((match) => match[1]));
/** Read by start-tracing.ts before the configuration exists (the standard OpenTelemetry variables). */
const OTEL_VARIABLES = /^OTEL_[A-Z_]+$/;
const known = (name: string) => KNOWN_VARIABLES.has(name) || OTEL_VARIABLES.test(name);
const DEFAULT_GRACE_SECONDS = Number(/SHUTDOWN_GRACE_SECONDS = (\d+)/.exec(environmentSource)![1]);

type Service = {
  environment?: Record<string, string>;
  ports?: string[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
  configs?: { source: string; target: string }[];
};

describe('docker-compose.yml', () => {
  const text = fs.readFileSync('docker-compose.yml', 'utf8');
  const compose = parse(text) as { services: Record<string, Service>; configs: Record<string, { content: string }> };
  const callpass = compose.services.callpass;

  it('runs three replicas reached only through the proxy, which publishes the port', () => {
    expect(callpass.deploy?.replicas).toBe(3);
    expect(callpass.ports).toBeUndefined();
    expect(compose.services.proxy.ports).toEqual(['3000:80']);
    const proxyConfig = compose.configs[compose.services.proxy.configs![0].source].content;
    expect(proxyConfig).toContain(`server callpass:${callpass.environment!.PORT};`);
    expect(proxyConfig).toContain('proxy_next_upstream error;');
  });

  it('sets only variables Callpass reads, probes readiness, and lets the drain finish before SIGKILL', () => {
    expect(Object.keys(callpass.environment!).filter((name) => !known(name))).toEqual([]);
    expect(callpass.healthcheck!.test.join(' ')).toContain('/health/ready');
    const grace = Number(callpass.environment!.SHUTDOWN_GRACE_SECONDS);
    expect(Number(/^(\d+)s$/.exec(callpass.stop_grace_period!)![1])).toBeGreaterThan(grace);
  });

  it("migrates once as the tables' owner; the replicas run as the service role and never see the owner's URL", () => {
    const { migrate, postgres } = compose.services as Record<
      string,
      Service & { command: string[]; depends_on: Record<string, { condition: string }> }
    >;
    const user = (url: string) => new URL(url.replace(/\$\{[^}]*\}/g, 'x')).username;
    expect(migrate.command).toEqual(['node', 'dist/cli/callpass.js', 'migrate']);
    expect(user(migrate.environment!.MIGRATION_DATABASE_URL)).toBe(postgres.environment!.POSTGRES_USER);
    expect(user(callpass.environment!.DATABASE_URL)).toBe('callpass_service');
    expect(callpass.environment!.MIGRATION_DATABASE_URL).toBeUndefined();
    expect(callpass.environment!.MIGRATE_ON_BOOT).toBe('false');
    expect((callpass as typeof migrate).depends_on.migrate.condition).toBe('service_completed_successfully');
    const roles = compose.configs[postgres.configs![0].source].content;
    expect(roles).toContain('CREATE ROLE callpass_service LOGIN');
    expect(roles).toContain('IN ROLE callpass_runtime');
  });

  it("escapes every $ meant for nginx, so that compose's own interpolation leaves it alone", () => {
    const unescaped = text.replace(/\$\$/g, '').match(/\$(?!\{)/g);
    expect(unescaped).toBeNull();
  });
});

interface Container {
  env: { name: string; value?: string }[];
  envFrom: { secretRef: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
  lifecycle: { preStop: { exec: { command: string[] } } };
}

interface Manifest {
  kind: string;
  metadata: { name: string };
  stringData?: Record<string, string>;
  spec?: {
    template?: {
      spec: { terminationGracePeriodSeconds: number; containers: Container[]; initContainers: (Container & { command: string[] })[] };
    };
    ports?: { targetPort: string }[];
    ingress?: { ports: { port: number }[] }[];
  };
}

describe("docs/deploying.md's Kubernetes manifest", () => {
  const deploying = readDoc('docs/deploying.md');
  const section = deploying.slice(deploying.indexOf('**Kubernetes**'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)![1];
  const documents = parseAllDocuments(block).map((document) => document.toJS() as Manifest);
  const byKind = (kind: string) => documents.find((document) => document.kind === kind)!;
  const secret = (name: string) => documents.find((document) => document.kind === 'Secret' && document.metadata.name === name)!;
  const pod = byKind('Deployment').spec!.template!.spec;
  const container = pod.containers[0];
  const envValue = (name: string) => container.env.find((entry) => entry.name === name)?.value;

  it('has a Secret, a Deployment, a Service and a NetworkPolicy letting in only the ingress and the monitoring', () => {
    expect(documents.map((document) => document.kind)).toEqual(['Secret', 'Secret', 'Deployment', 'Service', 'NetworkPolicy']);
    const allowed = byKind('NetworkPolicy')
      .spec!.ingress!.map((rule) => rule.ports.map((port) => port.port))
      .flat();
    const containerPorts = container.ports.map((port) => port.containerPort);
    expect(allowed.sort()).toEqual(containerPorts.sort());
  });

  it('names only variables Callpass reads, with the encryption keys in the Secret', () => {
    const secrets = documents.filter((document) => document.kind === 'Secret').flatMap((document) => Object.keys(document.stringData!));
    const names = [...container.env.map((entry) => entry.name), ...secrets];
    expect(names.filter((name) => !known(name))).toEqual([]);
    expect(secrets).toEqual(expect.arrayContaining(['ENCRYPTION_KEYS', 'DATABASE_URL', 'REDIS_URL']));
    expect(container.envFrom[0].secretRef.name).toBe(secret('callpass').metadata.name);
  });

  it("migrates in an init container holding the owner's URL; the service runs without it, as the service role", () => {
    const [migrate] = pod.initContainers;
    expect(migrate.envFrom.map((from) => from.secretRef.name)).toEqual(['callpass', 'callpass-migrations']);
    expect(migrate.command).toEqual(['node', 'dist/cli/callpass.js', 'migrate']);
    expect(Object.keys(secret('callpass-migrations').stringData!)).toEqual(['MIGRATION_DATABASE_URL']);
    expect(container.envFrom.map((from) => from.secretRef.name)).toEqual(['callpass']);
    expect(envValue('MIGRATE_ON_BOOT')).toBe('false');
    expect(new URL(secret('callpass').stringData!.DATABASE_URL).username).toBe('callpass_service');
  });

  it('probes readiness and liveness, pauses before the drain, and gives the drain its grace period', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.lifecycle.preStop.exec.command.join(' ')).toMatch(/setTimeout/);
    const grace = Number(envValue('SHUTDOWN_GRACE_SECONDS') ?? DEFAULT_GRACE_SECONDS);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(grace + 5);
    expect(container.ports.find((port) => port.name === 'metrics')?.containerPort).toBe(Number(envValue('METRICS_PORT')));
    expect(byKind('Service').spec!.ports!.map((port) => port.targetPort)).toEqual(['http']);
  });
});
