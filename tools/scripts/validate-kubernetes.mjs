// Validates rendered Kubernetes manifests without a cluster (tools/scripts/check-kubernetes.sh renders them).
//   node tools/scripts/validate-kubernetes.mjs rendered.yaml…   every object of every file
//   node tools/scripts/validate-kubernetes.mjs --self-test rendered.yaml
//                                                  breaks one rendered set in known ways; each must be caught
// Every object is checked three ways:
//   1. its apiVersion and kind are a Kubernetes API type (kubernetes-models; anything else is an error),
//   2. the type's JSON schema (the model's validate(): required fields, types, enums, formats),
//   3. no unknown fields: the schemas allow any extra property, so the object is type-checked as a TypeScript
//      literal of the model's interface, where an unknown property at any depth is an error;
// then the set against the project's rules (references between objects, probes, security, the shutdown budget).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const requireFromRoot = createRequire(join(root, 'package.json'));

/** The controller's own Deployment (the dev overlay adds others: PostgreSQL, Redis). */
const CONTROLLER = 'agent-controller';
/** Seconds the grace period must leave after the readiness delay and the drain: sockets, locks, pools. */
const SHUTDOWN_MARGIN_SECONDS = 5;

const describe = (object) => `${object?.kind ?? '?'}/${object?.metadata?.name ?? '?'}`;

/** Reads every document of a multi-document YAML file; a YAML error is a problem, not a crash. */
function readObjects(file) {
  const problems = [];
  const objects = [];
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    for (const error of document.errors) problems.push(`${basename(file)}: YAML: ${error.message}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return { objects, problems };
}

/**
 * The object as the API server reads it: kustomize wraps long base64 values of a Secret's `data` at 70 columns,
 * and Go's base64 decoder ignores line breaks, where the schema's `byte` format would not.
 */
function apiServerView(object) {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, String(value).replace(/[\r\n]/g, '')]),
  );
  return { ...object, data };
}

/** The kubernetes-models class of an object's apiVersion and kind, or why there is none. */
function modelOf(object) {
  const { apiVersion, kind } = object ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return { error: 'apiVersion and kind are required' };
  const unknown = { error: `unknown kind ${kind} in ${apiVersion}` };
  if (!/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z]\w*$/.test(kind)) return unknown;
  const module = `kubernetes-models/${apiVersion}`;
  let group;
  try {
    group = requireFromRoot(module);
  } catch {
    return unknown;
  }
  const Model = group[kind];
  // The group also exports nested types (e.g. DeploymentSpec), which are not objects of their own.
  if (typeof Model !== 'function' || Model.kind !== kind || Model.apiVersion !== apiVersion) return unknown;
  return { Model, module };
}

/** Unknown fields, found by type-checking each object as a literal of its interface (excess property checks). */
function unknownFieldProblems(typed) {
  if (typed.length === 0) return [];
  const file = join(root, '__rendered-manifests__.ts');
  const modules = [...new Set(typed.map(({ module }) => module))];
  let text = modules.map((module, i) => `import type * as m${i} from '${module}';\n`).join('');
  const starts = [];
  typed.forEach(({ object, module }, i) => {
    starts.push(text.length);
    const type = `m${modules.indexOf(module)}.I${object.kind}`;
    text += `export const o${i}: ${type} = ${JSON.stringify(object, null, 1)};\n`;
  });

  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, ...rest) =>
    name === file ? ts.createSourceFile(name, text, ts.ScriptTarget.ES2022) : getSourceFile.call(host, name, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));

  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return `type check: ${message}`;
    const index = starts.findLastIndex((start) => start <= diagnostic.start);
    const lineStart = text.lastIndexOf('\n', diagnostic.start) + 1;
    const line = text.slice(lineStart, text.indexOf('\n', diagnostic.start)).trim();
    return `${typed[index].label}: ${message} (at ${line})`;
  });
}

const findEnv = (configMap, name) => configMap?.data?.[name];
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value) &&
  Object.keys(selector ?? {}).length > 0;

/** The project's rules over one rendered set: what the schemas cannot know. */
function ruleProblems(objects, label) {
  const problems = [];
  const fail = (object, message) => problems.push(`${label}: ${describe(object)}: ${message}`);
  const ofKind = (kind) => objects.filter((object) => object?.kind === kind);
  const named = (kind, name) => ofKind(kind).find((object) => object.metadata?.name === name);
  const deployments = ofKind('Deployment');
  const podLabels = deployments.map((deployment) => deployment.spec?.template?.metadata?.labels);

  for (const service of ofKind('Service')) {
    if (!podLabels.some((labels) => matches(service.spec?.selector, labels))) fail(service, 'selects no pods');
  }
  for (const budget of ofKind('PodDisruptionBudget')) {
    if (!podLabels.some((labels) => matches(budget.spec?.selector?.matchLabels, labels))) {
      fail(budget, 'selects no pods');
    }
  }
  for (const ingress of ofKind('Ingress')) {
    for (const path of (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? [])) {
      const backend = path.backend?.service;
      const service = named('Service', backend?.name);
      if (!service) fail(ingress, `backend service ${backend?.name} is not in the set`);
      else if (
        !service.spec?.ports?.some((port) => port.name === backend.port?.name || port.port === backend.port?.number)
      ) {
        fail(
          ingress,
          `backend port ${backend.port?.name ?? backend.port?.number} is not a port of ${describe(service)}`,
        );
      }
    }
  }
  const autoscalers = ofKind('HorizontalPodAutoscaler');
  for (const autoscaler of autoscalers) {
    const target = autoscaler.spec?.scaleTargetRef;
    const deployment = target?.kind === 'Deployment' ? named('Deployment', target.name) : undefined;
    if (!deployment) fail(autoscaler, `scale target ${target?.kind}/${target?.name} is not in the set`);
    // A count in the Deployment would be put back on every apply, overriding the autoscaler.
    else if (deployment.spec?.replicas !== undefined)
      fail(deployment, 'sets replicas although an autoscaler owns them');
  }

  const controller = named('Deployment', CONTROLLER);
  if (!controller) {
    problems.push(`${label}: Deployment/${CONTROLLER} is missing`);
    return problems;
  }
  const autoscaler = autoscalers.find((hpa) => hpa.spec?.scaleTargetRef?.name === CONTROLLER);
  const least = autoscaler ? autoscaler.spec?.minReplicas : controller.spec?.replicas;
  if (!(least >= 3)) fail(controller, `runs ${least ?? 1} replica(s) at least; the fleet needs 3`);
  if (
    !ofKind('PodDisruptionBudget').some((budget) =>
      matches(budget.spec?.selector?.matchLabels, podLabels[deployments.indexOf(controller)]),
    )
  ) {
    fail(controller, 'has no PodDisruptionBudget');
  }

  const pod = controller.spec?.template?.spec ?? {};
  if (pod.securityContext?.runAsNonRoot !== true) fail(controller, 'pod must set runAsNonRoot: true');
  if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault')
    fail(controller, 'pod needs seccompProfile RuntimeDefault');
  const container = pod.containers?.find((candidate) => candidate.name === CONTROLLER);
  if (!container) {
    fail(controller, `has no container named ${CONTROLLER}`);
    return problems;
  }
  const security = container.securityContext ?? {};
  if (security.readOnlyRootFilesystem !== true) fail(controller, 'container needs readOnlyRootFilesystem: true');
  if (security.allowPrivilegeEscalation !== false) fail(controller, 'container needs allowPrivilegeEscalation: false');
  if (!security.capabilities?.drop?.includes('ALL')) fail(controller, 'container must drop ALL capabilities');
  if (container.livenessProbe?.httpGet?.path !== '/api/health') fail(controller, 'liveness must be GET /api/health');
  if (container.readinessProbe?.httpGet?.path !== '/api/health/ready') {
    fail(controller, 'readiness must be GET /api/health/ready');
  }
  if (!container.startupProbe) fail(controller, 'needs a startupProbe (migrations may make start-up slow)');
  const { requests, limits } = container.resources ?? {};
  if (!requests?.cpu || !requests?.memory || !limits?.memory)
    fail(controller, 'needs cpu/memory requests and a memory limit');

  // Shutdown budget: the grace period must outlast the readiness delay and the drain the controller is told.
  const configMaps = (container.envFrom ?? [])
    .filter((source) => source.configMapRef)
    .map((source) => source.configMapRef.name);
  for (const name of configMaps) if (!named('ConfigMap', name)) fail(controller, `ConfigMap ${name} is not in the set`);
  const setting = (name) => {
    const value = configMaps
      .map((map) => findEnv(named('ConfigMap', map), name))
      .findLast((found) => found !== undefined);
    return value === undefined ? undefined : Number(value);
  };
  const delay = setting('SHUTDOWN_READINESS_DELAY_SECONDS');
  const drain = setting('SHUTDOWN_DRAIN_SECONDS');
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const sleep = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
  if (!Number.isFinite(delay) || !Number.isFinite(drain)) {
    fail(controller, 'SHUTDOWN_READINESS_DELAY_SECONDS and SHUTDOWN_DRAIN_SECONDS must be set in its ConfigMap');
  } else if (grace < sleep + delay + drain + SHUTDOWN_MARGIN_SECONDS) {
    fail(
      controller,
      `terminationGracePeriodSeconds ${grace} must be at least preStop ${sleep} + readiness delay ${delay} + drain ${drain} + ${SHUTDOWN_MARGIN_SECONDS} s`,
    );
  }
  return problems;
}

/** All problems of one rendered set; an empty list means it is valid. */
export function validate(objects, label, { typeCheck = true } = {}) {
  const problems = [];
  const typed = [];
  objects.forEach((object, index) => {
    const where = `${label}: #${index + 1} ${describe(object)}`;
    const { Model, module, error } = modelOf(object);
    if (error) {
      problems.push(`${where}: ${error}`);
      return;
    }
    try {
      new Model(apiServerView(object)).validate();
    } catch (invalid) {
      problems.push(`${where}: schema: ${invalid.message}`);
    }
    typed.push({ object, module, label: where });
  });
  if (typeCheck) problems.push(...unknownFieldProblems(typed));
  problems.push(...ruleProblems(objects, label));
  return problems;
}

/** Breaks a valid set in ways that must each be caught, so a validator that stopped checking fails the build. */
function selfTest(objects, label) {
  const copy = () => structuredClone(objects);
  const controller = (set) =>
    set.find((object) => object.kind === 'Deployment' && object.metadata?.name === CONTROLLER);
  const container = (set) => controller(set).spec.template.spec.containers[0];
  const cases = [
    [
      'an unknown field deep inside',
      /"pth"' does not exist in type 'IHTTPGetAction'/,
      (set) => (container(set).livenessProbe.httpGet.pth = '/x'),
    ],
    [
      'an unknown top-level field',
      /"extra"' does not exist in type 'IDeployment'/,
      (set) => (controller(set).extra = true),
    ],
    [
      'an unknown kind',
      /unknown kind Deploymnet/,
      (set) => set.push({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }),
    ],
    [
      'an unknown apiVersion',
      /unknown kind Ingress in extensions\/v1beta9/,
      (set) => set.push({ apiVersion: 'extensions/v1beta9', kind: 'Ingress' }),
    ],
    [
      'a wrong type',
      /schema: .*containerPort must be integer/,
      (set) => (container(set).ports[0].containerPort = 'http'),
    ],
    [
      'a bad enum value',
      /schema: .*imagePullPolicy must be equal to one of the allowed values/,
      (set) => (container(set).imagePullPolicy = 'Sometimes'),
    ],
    [
      'a missing required field',
      /schema: .*must have required property containers/,
      (set) => delete controller(set).spec.template.spec.containers,
    ],
    [
      'a Service selecting nothing',
      /Service\/agent-controller: selects no pods/,
      (set) =>
        (set.find((object) => object.kind === 'Service' && object.metadata.name === CONTROLLER).spec.selector = {
          app: 'none',
        }),
    ],
    [
      'an autoscaler aiming elsewhere',
      /scale target Deployment\/nothing is not in the set/,
      (set) => (set.find((object) => object.kind === 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'nothing'),
    ],
    [
      'replicas beside an autoscaler',
      /sets replicas although an autoscaler owns them/,
      (set) => (controller(set).spec.replicas = 3),
    ],
    [
      'a grace period shorter than the drain',
      /terminationGracePeriodSeconds 12 must be at least/,
      (set) => (controller(set).spec.template.spec.terminationGracePeriodSeconds = 12),
    ],
    [
      'a writable root filesystem',
      /readOnlyRootFilesystem: true/,
      (set) => (container(set).securityContext.readOnlyRootFilesystem = false),
    ],
    [
      'readiness on the liveness path',
      /readiness must be GET \/api\/health\/ready/,
      (set) => (container(set).readinessProbe.httpGet.path = '/api/health'),
    ],
  ];
  const failures = [];
  const baseline = validate(objects, label);
  if (baseline.length > 0) failures.push(`the unbroken set is not valid:\n  ${baseline.join('\n  ')}`);
  for (const [name, expected, breakIt] of cases) {
    const broken = copy();
    breakIt(broken);
    // Only the unknown-field cases need the (slower) type check.
    const problems = validate(broken, label, { typeCheck: /does not exist/.test(expected.source) });
    if (!problems.some((problem) => expected.test(problem))) {
      failures.push(`${name}: expected a problem matching ${expected}, got:\n  ${problems.join('\n  ') || '(none)'}`);
    }
  }
  return { failures, count: cases.length };
}

function main(argv) {
  const selfTesting = argv[0] === '--self-test';
  const files = selfTesting ? argv.slice(1) : argv;
  if (files.length === 0) {
    console.error('usage: validate-kubernetes.mjs [--self-test] rendered.yaml…');
    return 2;
  }
  let failed = false;
  for (const file of files) {
    const { objects, problems: yamlProblems } = readObjects(file);
    const label = basename(file);
    if (selfTesting) {
      const { failures, count } = selfTest(objects, label);
      for (const failure of failures) console.error(`FAIL self-test: ${failure}`);
      if (failures.length > 0) failed = true;
      else console.log(`${label}: the validator caught all ${count} broken variants`);
      continue;
    }
    const problems = [...yamlProblems, ...validate(objects, label)];
    if (objects.length === 0) problems.push(`${label}: no objects`);
    for (const problem of problems) console.error(`FAIL ${problem}`);
    if (problems.length > 0) failed = true;
    else
      console.log(`${label}: ${objects.length} objects valid (${[...new Set(objects.map((o) => o.kind))].join(', ')})`);
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
