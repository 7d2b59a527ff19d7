// Shared pieces of `make bench` and `make soak`: the realistic AdmissionReview, test certificates,
// starting the built `serve` and the bare baseline as child processes, running autocannon in its
// own process, and reading a process's RSS and CPU time from /proc. Runs on the built dist/.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CLI = join(ROOT, 'dist/cli/main.js');
export const UID = '705ab4f5-6393-11e8-b7cc-42010a800002';
const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Node flags for the injector: `override` (a space-separated list; empty for none) or, by default,
 * the NODE_OPTIONS the image ships with (Dockerfile), so the bench measures what is deployed.
 */
export function injectorNodeFlags(override) {
  const text =
    override ??
    /^ENV NODE_OPTIONS=(.*)$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
  return (text ?? '').split(' ').filter(Boolean);
}

/** Annotations for `n` secrets, each with its own template, as teams write them. */
export function secretAnnotations(n) {
  const out = {};
  for (let i = 0; i < n; i++) {
    const name = i === 0 ? 'db' : `secret-${i}`;
    out[`vault.hashicorp.com/agent-inject-secret-${name}`] = `kv/data/app/${name}`;
    out[`vault.hashicorp.com/agent-inject-template-${name}`] =
      `{{- with secret "kv/data/app/${name}" -}}\nexport USER="{{ .Data.data.username }}"\nexport PASS="{{ .Data.data.password }}"\n{{- end }}`;
  }
  return out;
}

function appContainer(name, image) {
  return {
    name,
    image,
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    env: [
      { name: 'MODE', value: 'production' },
      { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    ],
    resources: {
      limits: { cpu: '1', memory: '512Mi' },
      requests: { cpu: '250m', memory: '256Mi' },
    },
    readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 10 },
    volumeMounts: [{ name: 'kube-api-access-7x2kq', readOnly: true, mountPath: SA_MOUNT }],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

/** A pod from a Deployment as the API server sends it: projected token, resources, `secrets` secrets. */
export function deploymentPod({ secrets = 5, containers = 2 } = {}) {
  const names = ['app', 'log-shipper', ...Array.from({ length: 48 }, (_, i) => `worker-${i}`)];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'payments-api-6d5f8b7c9d-',
      namespace: 'payments',
      labels: { app: 'payments-api', 'pod-template-hash': '6d5f8b7c9d', tier: 'backend' },
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'payments-api',
        'vault.hashicorp.com/agent-pre-populate-only': 'false',
        'kubectl.kubernetes.io/restartedAt': '2026-11-20T10:00:00Z',
        ...secretAnnotations(secrets),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'payments-api-6d5f8b7c9d',
          uid: '0b4a2f9e-2a51-4f0b-9d4c-7f3b1e9f2c11',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2026-11-20T10:00:01Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {} } },
            'f:spec': {},
          },
        },
      ],
    },
    spec: {
      serviceAccountName: 'payments-api',
      containers: names
        .slice(0, containers)
        .map((n, i) =>
          appContainer(
            n,
            i === 1 ? 'fluent/fluent-bit:3.1' : `registry.example.com/payments/${n}:1.42.0`,
          ),
        ),
      volumes: [
        {
          name: 'kube-api-access-7x2kq',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              {
                configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
              },
              {
                downwardAPI: {
                  items: [
                    {
                      path: 'namespace',
                      fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
                    },
                  ],
                },
              },
            ],
          },
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000 },
      schedulerName: 'default-scheduler',
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

export function admissionReview(pod) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: UID,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'payments',
      operation: 'CREATE',
      userInfo: {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        uid: '5c0b2b7e-1c9d-4d5a-8f3e-2a1b9c8d7e6f',
        groups: [
          'system:serviceaccounts',
          'system:serviceaccounts:kube-system',
          'system:authenticated',
        ],
      },
      object: pod,
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}

/** CA + serving certificate for 127.0.0.1/localhost, written as files; returns their paths. */
export async function writeTestCerts() {
  const { generateCA, generateServingCert } = await import(join(ROOT, 'dist/certs/generate.js'));
  const dir = mkdtempSync(join(tmpdir(), 'vi-bench-'));
  const ca = generateCA({ commonName: 'vault-injector bench CA' });
  const leaf = generateServingCert(ca, { hosts: ['127.0.0.1', 'localhost'] });
  const files = {
    dir,
    cert: join(dir, 'tls.crt'),
    key: join(dir, 'tls.key'),
    ca: join(dir, 'ca.crt'),
  };
  writeFileSync(files.cert, leaf.certPem);
  writeFileSync(files.key, leaf.keyPem, { mode: 0o600 });
  writeFileSync(files.ca, ca.certPem);
  return { ...files, caPem: ca.certPem };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** One HTTPS request verified against the CA. */
export function httpsCall(url, { ca, method = 'GET', body, path = '/' }) {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method, ca, agent: false, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitReady(url, ca, path, child, what) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const res = await httpsCall(url, { ca, path });
      if (res.status < 300) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

function spawnServer(args, env, what) {
  // Both streams go to a file, as a container runtime would take them: the injector logs one
  // decision line per admission (info, on stderr), and the parent must spend no CPU reading them.
  const logFile = join(tmpdir(), `bench-${what}-${process.pid}-${Date.now()}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', out, out],
  });
  const stderr = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && !child.stopping) {
      console.error(`${what} exited with ${code ?? signal}:\n${stderr()}`);
    }
  });
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr };
}

/** The built `serve` with the given certificates on a free port. */
export async function startInjector(certs, extraArgs = [], nodeFlags = []) {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  // BENCH_PROFILE=1: a V8 CPU profile of the injector, written on exit under bench/results/.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench/results/profiles')]
    : [];
  const proc = spawnServer(
    [
      ...profile,
      ...nodeFlags,
      CLI,
      'serve',
      '--listen',
      `127.0.0.1:${port}`,
      '--tls-cert-file',
      certs.cert,
      '--tls-key-file',
      certs.key,
      '--tls-ca-cert-file',
      certs.ca,
      ...extraArgs,
    ],
    { AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200' },
    'injector',
  );
  await waitReady(url, certs.caPem, '/health/ready', proc.child, 'injector');
  return { ...proc, url, name: 'injector' };
}

/** The bare Fastify HTTPS baselines (bench/baseline-server.mjs) built around `responseFile`. */
export async function startBaseline(certs, responseFile) {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const proc = spawnServer(
    [join(ROOT, 'bench/baseline-server.mjs')],
    { PORT: String(port), CERT: certs.cert, KEY: certs.key, RESPONSE: responseFile },
    'baseline',
  );
  await waitReady(url, certs.caPem, '/health', proc.child, 'baseline');
  return { ...proc, url, name: 'baseline' };
}

export async function stop(server) {
  server.child.stopping = true;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  const res = await server.exited;
  clearTimeout(timer);
  return res;
}

/** RSS in MiB and CPU seconds (user + system) of a process, from /proc. */
export function procStats(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: rssKb / 1024, cpuSeconds: ticks / 100 };
}

/**
 * Runs autocannon in a separate process (so the load generator never shares an event loop with
 * the measured server) and returns its summary.
 */
export function loadTest({ url, body, connections = 50, duration, amount, vary = false }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench/load.mjs')], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out));
    });
    child.stdin.end(JSON.stringify({ url, body, connections, duration, amount, vary }));
  });
}

/** Load + server CPU and RSS for one measured run; `path` is the admission route (/mutate). */
export async function measured(server, { path = '/mutate', ...opts }) {
  const before = procStats(server.child.pid);
  const started = performance.now();
  const load = await loadTest({ url: `${server.url}${path}`, ...opts });
  const seconds = (performance.now() - started) / 1000;
  const after = procStats(server.child.pid);
  return {
    ...load,
    serverCpuPercent: ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100,
    rssMiB: after.rssMiB,
  };
}
