/**
 * Callpass's layer rules, checked by `npm run lint`; docs/architecture.md explains them and what they do not cover yet.
 */
const INFRASTRUCTURE = '^src/(common|config|crypto|database|redis|metrics|tracing|outbound|generated/prisma)/';
/** What only the sandbox, the demo and tests use: emulators, fake credentials, the kits that list them. */
const SANDBOX_ONLY = [
  '\\.emulator\\.ts$',
  '^src/providers/emulator/',
  '\\.kit\\.ts$',
  '^src/providers/provider-kits?\\.ts$',
  '^src/sandbox/',
  '^src/demo/',
];
const TESTS = '\\.(spec|e2e-spec|int-spec)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two areas each need the other, so neither can be read, tested or changed alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'service-without-sandbox',
      severity: 'error',
      comment: 'The running service (and the CLI) must not contain emulators, fake credentials, the sandbox or the demo.',
      from: { path: ['^src/main\\.ts$', '^src/cli/callpass\\.ts$'] },
      to: { path: SANDBOX_ONLY, reachable: true },
    },
    {
      name: 'sandbox-only-from-sandbox',
      severity: 'error',
      comment: 'Only the sandbox, the demo, the kits and tests import an emulator, a kit, the sandbox or the demo.',
      from: { pathNot: [...SANDBOX_ONLY, TESTS] },
      to: { path: SANDBOX_ONLY },
    },
    {
      name: 'providers-point-down',
      severity: 'error',
      comment: 'A provider folder holds its adapter: it uses the provider core and infrastructure, never the pipeline or routes.',
      from: { path: '^src/providers/', pathNot: [TESTS, ...SANDBOX_ONLY] },
      to: { path: '^src/', pathNot: ['^src/providers/', INFRASTRUCTURE] },
    },
    {
      name: 'providers-stand-apart',
      severity: 'error',
      comment: "A provider's folder uses no other provider's: what they share belongs in the provider core.",
      from: { path: '^src/providers/([^/]+)/', pathNot: TESTS },
      to: { path: '^src/providers/[^/]+/', pathNot: ['^src/providers/$1/', '^src/providers/(http|emulator)/'] },
    },
    {
      name: 'infrastructure-points-down',
      severity: 'error',
      comment: 'Infrastructure serves every area and so imports none (the /metrics route is the one area-like part).',
      from: { path: INFRASTRUCTURE, pathNot: [TESTS, '^src/metrics/metrics\\.controller\\.ts$'] },
      to: { path: '^src/', pathNot: [INFRASTRUCTURE, '^src/database/prisma-errors\\.ts$'] },
    },
    {
      name: 'common-is-a-floor',
      severity: 'error',
      comment: 'common holds what every area uses; it imports no area (the database only for its error kinds).',
      from: { path: '^src/common/', pathNot: TESTS },
      to: { path: '^src/', pathNot: ['^src/common/', '^src/database/prisma-errors\\.ts$'] },
    },
    {
      name: 'browser-library-stands-alone',
      severity: 'error',
      comment: 'The browser library ships to browsers: nothing of the server may end up in it.',
      from: { path: '^src/browser-client/' },
      to: { path: '^src/', pathNot: '^src/browser-client/' },
    },
  ],
  options: {
    includeOnly: '^src/',
    exclude: { path: ['^src/generated/prisma/', '^src/browser-client/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
