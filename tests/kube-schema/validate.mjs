// Offline validation of the Kubernetes objects mkata generates, for the tests: each object is
// checked against the Kubernetes OpenAPI schema that the npm package kubernetes-models compiles
// into validators (`new Deployment(obj).validate()`), and every pod template also against the
// Pod Security "restricted" profile that the run's Namespace enforces on a cluster, and for
// unknown fields (the OpenAPI schemas allow them, but `kubectl apply` validates strictly and
// refuses them — and a misspelt field would otherwise be dropped in silence): every key must be
// a property of the package's TypeScript interface for that place. So a manifest a cluster would
// refuse fails here, without a cluster.
//
// Usage: node validate.mjs --root DIR [FILE|-]...
//   DIR holds node_modules/kubernetes-models (scripts/deps.sh installs it from package-lock.json
//   into /var/cache/mkata/kube-schema). Each FILE ('-' = stdin) holds one JSON value: an object,
//   an array of objects, or a List (`mkata manifests --json`).
// Prints one line per failure, "FAIL <kind>/<name>: <path> <what>", then a summary; exit 0 when
// every object is valid, 1 when one is not, 2 on bad usage or unreadable input.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function usage(message) {
  process.stderr.write(`validate.mjs: ${message}\nusage: node validate.mjs --root DIR [FILE|-]...\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let root = '';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--root') root = args[++i] ?? usage('--root needs a directory');
  else files.push(args[i]);
}
if (!root) usage('--root DIR is required');
if (files.length === 0) files.push('-');

const require = createRequire(path.join(path.resolve(root), 'validate.cjs'));
let models;
try {
  models = {
    'v1': require('kubernetes-models/v1'),
    'apps/v1': require('kubernetes-models/apps/v1'),
    'node.k8s.io/v1': require('kubernetes-models/node.k8s.io/v1'),
  };
} catch (e) {
  usage(`cannot load kubernetes-models under ${root}: ${e.message}`);
}

// The Pod Security Standards' "restricted" profile, for the fields mkata's pods could set.
function restrictedViolations(podSpec) {
  const out = [];
  const pod = podSpec.securityContext ?? {};
  const containers = [...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (podSpec[field]) out.push(`spec.${field} must not be true`);
  }
  for (const v of podSpec.volumes ?? []) {
    const allowed = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral',
      'persistentVolumeClaim', 'projected', 'secret'];
    const kinds = Object.keys(v).filter((k) => k !== 'name');
    if (!kinds.every((k) => allowed.includes(k))) out.push(`volume ${v.name}: type ${kinds} is not allowed`);
  }
  if (pod.runAsUser === 0) out.push('pod securityContext.runAsUser must not be 0');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) out.push(`${where}: privileged must not be true`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities.drop must include ALL`);
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length) out.push(`${where}: capabilities.add may only hold NET_BIND_SERVICE`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot must be true`);
    if (sc.runAsUser === 0) out.push(`${where}: runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      out.push(`${where}: seccompProfile.type must be RuntimeDefault or Localhost`);
    }
    for (const p of c.ports ?? []) {
      if (p.hostPort) out.push(`${where}: hostPort must not be set`);
    }
  }
  return out;
}

// --- unknown fields, from the interfaces in the package's .d.ts files ---------------------------
// Each file declares one `export interface I<Name> [extends TypeMeta] {` whose properties are
// lines `    "field"?: Type;` (a `{ [key: string]: ... }` map spans lines), and imports the types
// it refers to by their long names (IIoK8sApiCoreV1Probe) from other .d.ts files.
const interfaces = new Map();

function dtsOf(specifier, fromFile) {
  if (specifier.startsWith('.')) return path.resolve(path.dirname(fromFile), `${specifier}.d.ts`);
  try {
    return require.resolve(specifier).replace(/\.js$/, '.d.ts');
  } catch {
    return null;
  }
}

function loadInterface(file) {
  if (interfaces.has(file)) return interfaces.get(file);
  let result = null;
  if (file && existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const imports = new Map();
    for (const m of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
      for (const name of m[1].split(',').map((n) => n.trim())) imports.set(name, dtsOf(m[2], file));
    }
    const name = `I${path.basename(file, '.d.ts')}`;
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith(`export interface ${name} `));
    if (start >= 0) {
      const fields = new Map();
      if (/ extends TypeMeta /.test(lines[start])) {
        fields.set('apiVersion', '');
        fields.set('kind', '');
      }
      for (let i = start + 1; i < lines.length && lines[i] !== '}'; i++) {
        const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
        if (!m) continue;
        let type = m[2].replace(/;$/, '');
        if (type === '{') {
          type = 'map';
          while (i < lines.length && lines[i] !== '    };') i++;
        }
        fields.set(m[1], type);
      }
      result = { fields, imports };
    }
  }
  interfaces.set(file, result);
  return result;
}

function unknownFields(value, file, where, out) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  const iface = loadInterface(file);
  if (!iface) return;  // a type alias (Quantity, IntOrString, Time): no properties to check
  for (const [key, child] of Object.entries(value)) {
    if (!iface.fields.has(key)) {
      out.push(`${where}/${key}: unknown field`);
      continue;
    }
    const type = iface.fields.get(key);
    const element = /^Array<(\w+)>$/.exec(type)?.[1];
    const target = iface.imports.get(element ?? type);
    if (!target) continue;
    if (element && Array.isArray(child)) {
      child.forEach((item, i) => unknownFields(item, target, `${where}/${key}/${i}`, out));
    } else if (!element) {
      unknownFields(child, target, `${where}/${key}`, out);
    }
  }
}

function rootInterface(obj) {
  const group = obj.apiVersion === 'v1' ? 'v1' : obj.apiVersion;
  return dtsOf(`kubernetes-models/${group}/${obj.kind}`, '');
}

function describe(obj) {
  return `${obj?.kind ?? '?'}/${obj?.metadata?.name ?? '?'}`;
}

function check(obj) {
  const failures = [];
  const group = models[obj?.apiVersion];
  const Model = group?.[obj?.kind];
  if (!Model || obj.kind === 'List') {
    failures.push(`no schema for apiVersion ${obj?.apiVersion} kind ${obj?.kind}`);
    return failures;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    const errors = e.errors ?? [{ instancePath: '', message: e.message }];
    for (const err of errors) {
      failures.push(`${err.instancePath || '/'} ${err.message}${err.params ? ' ' + JSON.stringify(err.params) : ''}`);
    }
  }
  const unknown = [];
  unknownFields(obj, rootInterface(obj), '', unknown);
  failures.push(...unknown);
  const podSpec = obj.kind === 'Pod' ? obj.spec : obj.spec?.template?.spec;
  if (podSpec) failures.push(...restrictedViolations(podSpec).map((v) => `pod security restricted: ${v}`));
  return failures;
}

function objectsOf(value) {
  if (Array.isArray(value)) return value.flatMap(objectsOf);
  if (value?.kind === 'List' && Array.isArray(value.items)) return value.items.flatMap(objectsOf);
  return [value];
}

let total = 0;
let failed = 0;
for (const file of files) {
  let value;
  try {
    value = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (e) {
    usage(`${file === '-' ? 'stdin' : file}: ${e.message}`);
  }
  for (const obj of objectsOf(value)) {
    total++;
    const failures = check(obj);
    if (failures.length) failed++;
    for (const f of failures) process.stdout.write(`FAIL ${describe(obj)}: ${f}\n`);
  }
}
process.stdout.write(`kube-schema: ${total} objects checked, ${failed} invalid\n`);
process.exit(failed ? 1 : 0);
