import { cdk8s, javascript, JsonFile } from 'projen';

// The peer range is what the tests cover: the library uses only public cdk8s-plus API, and the
// tests run against 2.9.x.
const CDK8S_PLUS = 'cdk8s-plus-27@~2.9.5';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-stateful',
  description:
    'Typed, validated cdk8s constructs for stateful workloads: StatefulApp, ZooKeeper, Cassandra, StorageClasses and per-pod static volumes.',
  author: 'cdk8s-stateful maintainers',
  authorAddress: 'maintainers@cdk8s-stateful.dev',
  repositoryUrl: 'https://github.com/cdk8s-stateful/cdk8s-stateful.git',
  keywords: ['cdk8s', 'kubernetes', 'statefulset', 'zookeeper', 'cassandra', 'storage'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  sampleCode: false,

  // cdk8s 2.x and constructs 10 (the project template defaults to cdk8s 1.x).
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',

  // cdk8s-plus-27 is a peer dependency (users bring their own copy) and a dev dependency.
  peerDeps: [CDK8S_PLUS],
  devDeps: [
    'cdk8s-cli@^2.207.60',
    'kubernetes-models@^5.1.0',
    // Schemas of the Prometheus Operator's ServiceMonitor, PodMonitor and PrometheusRule, which the
    // tests validate the monitoring objects against.
    '@kubernetes-models/prometheus-operator@^6.0.0',
    // Schema of the cert-manager Certificate that ZooKeeperEnsemble's `tls` emits, for the tests.
    '@kubernetes-models/cert-manager@^6.0.0',
    'ts-node@^10.9.2',
    // ts-jest loads jest-util itself but declares it only as an optional peer dependency.
    'jest-util@^29',
    // Lets `cdk8s synth` (ts-node) resolve the examples' `import ... from 'cdk8s-stateful'` to src/.
    'tsconfig-paths@^4.2.0',
  ],
  // YAML parsing with line numbers for the `cdk8s-stateful plan` command. jsii requires
  // non-jsii runtime dependencies to be bundled.
  bundledDeps: ['yaml@^2.9.1'],
  bin: { 'cdk8s-stateful': 'lib/plan/bin.js' },

  // jsii language targets. Publishing to these registries happens in the release
  // workflow; the offline CI build (`.ci/run`) compiles and tests the JavaScript package only.
  publishToPypi: {
    distName: 'cdk8s-stateful',
    module: 'cdk8s_stateful',
  },
  publishToMaven: {
    javaPackage: 'dev.cdk8s.stateful',
    mavenGroupId: 'dev.cdk8s-stateful',
    mavenArtifactId: 'cdk8s-stateful',
  },
  publishToGo: {
    moduleName: 'github.com/cdk8s-stateful/cdk8s-stateful-go',
  },
  publishToNuget: {
    dotNetNamespace: 'Cdk8sStateful',
    packageId: 'Cdk8sStateful',
  },

  jestOptions: {
    // Jest 29 and the 3.6 import resolver below resolve modules in JavaScript. Jest 30 and newer
    // resolvers pull in a native resolver whose lockfile entries break `npm ci` on registries that
    // serve only the current platform's build.
    jestVersion: '^29',
    // Snapshots are checked, never rewritten by `npm test`. `npx projen test:update`
    // refreshes them on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/lib/', '<rootDir>/dist/'],
      // The examples import the library by its package name, as a user's app does.
      moduleNameMapper: { '^cdk8s-stateful$': '<rootDir>/src/index.ts' },
    },
  },

  // The examples are code users copy: lint them like the library and its tests.
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'build-tools', 'projenrc', '.projenrc.ts'] },

  gitignore: ['/dist/', '/cdk.out/', '/.bench/'],
  tsconfigDev: {
    include: ['../examples/**/*.ts'],
    // The examples import the library by its package name, as a user's app does.
    compilerOptions: { paths: { 'cdk8s-stateful': ['../src/index.ts'] } },
  },

  // The real-server tests need Java and ZooKeeper (Debian packages) on the build machine too, and
  // the alert tests promtool (from the prometheus package, whose server is stopped again), and the
  // TLS test openssl for its certificates.
  workflowBootstrapSteps: [{
    name: 'Install the test prerequisites (Java, ZooKeeper, promtool, openssl)',
    run: 'sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends zookeeper default-jre-headless prometheus openssl'
      + ' && (sudo systemctl disable --now prometheus || true) && promtool --version',
  }],
});

// ESLint's TypeScript import resolver 3.6 resolves in JavaScript; from 3.7 on it pulls in a native
// resolver whose lockfile entries break `npm ci` on registries that serve only this platform's build.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.6.3');

// The import resolver also reads test/tsconfig.json, whose `paths` map `cdk8s-stateful` (the name
// the examples and the README chart import the library by) to src/.
project.eslint?.file.addOverride('settings.import/resolver.typescript.project', ['./tsconfig.json', './test/tsconfig.json']);

// ESLint's TypeScript project service reads the nearest tsconfig.json: the examples get their own.
new JsonFile(project, 'examples/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '..', paths: { 'cdk8s-stateful': ['../src/index.ts'] } },
    include: ['**/*.ts'],
  },
});

for (const ignored of ['/examples/', '/cdk8s.yaml', '/.ci/']) {
  project.addPackageIgnore(ignored);
}

// The root cdk8s app: synthesizes every example into dist/<name>.k8s.yaml.
project.addTask('synth', {
  description: 'Synthesize every example into dist/<name>.k8s.yaml',
  exec: 'cdk8s synth',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
});

// Speed and memory goals are checked here, never with timed assertions in tests.
project.addTask('bench', {
  description: 'Synthesis benchmark: StatefulApp vs. raw ApiObjects at N = 1000 and N = 3000',
  exec: 'ts-node --project test/tsconfig.json test/bench/bench.ts',
  env: { TS_NODE_TRANSPILE_ONLY: 'true' },
});

// The plan command's speed and memory goals (30k and 60k objects), measured here, never in tests.
project.addTask('bench:plan', {
  description: 'Plan benchmark: 1k, 10k and 20k StatefulSets with Services and budgets, and 30k pre-bound PersistentVolumes, against the js-yaml parse time',
  exec: 'ts-node --project test/tsconfig.json test/bench/plan-bench.ts',
  env: { TS_NODE_TRANSPILE_ONLY: 'true' },
});

// Explains what each StatefulSet in dist/ will do (run `npx projen synth` first).
project.addTask('plan', {
  description: 'Explain the StatefulSets in dist/ (pods, claims, disruption, updates); extra arguments are passed on',
  exec: 'ts-node --project test/tsconfig.json src/plan/bin.ts plan',
  receiveArgs: true,
});

project.synth();
