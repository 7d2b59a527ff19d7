// An in-process HTTPS fake of the few Kubernetes API endpoints auto-TLS uses. It is NOT a real
// API server: no admission, no field validation, no server-side watch timeouts. What it does
// model: resourceVersion on every write, 409 on stale updates and duplicate creates, 404s, JSON
// patch (application/json-patch+json only) with `test` ops, watch streams with synthetic ADDED
// events on connect, bearer-token auth with one token per client identity, optionally the RBAC
// vault-helm grants the injector (403 for anything else), and outages (500s, dropped
// connections, or a closed port that refuses connections).
// client-node refuses plain HTTP, hence HTTPS with a throwaway CA.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { generateCA, generateServingCert, type PemPair } from '../../certs/generate.js';
import { toError } from '../../patches/to-error.js';

export type Kind = 'mutatingwebhookconfigurations' | 'secrets' | 'configmaps' | 'pods';
/** up: normal; error: every request gets a 500; down: connections are dropped unanswered. */
export type FakeMode = 'up' | 'error' | 'down';

export type Obj = Record<string, unknown> & { metadata?: Record<string, unknown> };

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  /** Which client sent it (the identity behind its bearer token). */
  readonly who: string;
  /** performance.now() when the request arrived. */
  readonly at?: number;
  /** The HTTP status answered (0 when the connection was dropped). */
  status: number;
}

/** Who may do what: the injector's grants, or everything (tests that do not model RBAC). */
/** 'webhook-only': openbao-helm's single-replica render, which binds no Role at all. */
export type RbacMode = 'all' | 'vault-helm' | 'webhook-only';

// vault-helm's ClusterRole (webhook configurations) and namespaced Role (secrets, configmaps):
// no leases, no deletes, no patches of secrets or configmaps.
const VAULT_HELM_GRANTS: Readonly<Record<Kind, readonly string[]>> = {
  mutatingwebhookconfigurations: ['get', 'list', 'watch', 'patch'],
  secrets: ['create', 'get', 'watch', 'list', 'update'],
  configmaps: ['create', 'get', 'watch', 'list', 'update'],
  // Read to tell whether vault-k8s's "leader for life" owner Pod still runs; tests seed pods.
  pods: ['get', 'patch', 'delete'],
};

function verbOf(method: string, named: boolean, watch: boolean): string {
  if (method === 'GET') return named ? 'get' : watch ? 'watch' : 'list';
  const verbs: Record<string, string> = {
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  return verbs[method] ?? method.toLowerCase();
}

interface Watcher {
  readonly kind: Kind;
  readonly name: string | undefined;
  readonly res: ServerResponse;
}

interface Route {
  readonly kind: Kind;
  readonly namespace: string;
  readonly name: string | undefined;
}

const MWC =
  /^\/apis\/admissionregistration\.k8s\.io\/v1\/mutatingwebhookconfigurations(?:\/([^/]+))?$/;
const CORE = /^\/api\/v1\/namespaces\/([^/]+)\/(secrets|configmaps|pods)(?:\/([^/]+))?$/;

function parseRoute(pathname: string): Route | undefined {
  const m = MWC.exec(pathname);
  if (m) return { kind: 'mutatingwebhookconfigurations', namespace: '', name: m[1] };
  const c = CORE.exec(pathname);
  if (c) return { kind: c[2] as Kind, namespace: c[1]!, name: c[3] };
  return undefined;
}

function status(code: number, reason: string, message: string): Obj {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let tlsMaterial: { ca: PemPair; leaf: PemPair } | undefined;

/**
 * One throwaway CA and serving pair per test process: every fake in a file can share them, and
 * making RSA keys for each of a file's dozen fakes cost seconds.
 */
function fakeApiTls(): { ca: PemPair; leaf: PemPair } {
  if (!tlsMaterial) {
    const ca = generateCA({ commonName: 'fake-kube-api CA' });
    tlsMaterial = { ca, leaf: generateServingCert(ca, { hosts: ['127.0.0.1', 'localhost'] }) };
  }
  return tlsMaterial;
}

export class FakeKubeApi {
  readonly token = 'fake-token';
  readonly requests: RequestRecord[] = [];
  mode: FakeMode = 'up';
  /** Requests whose path matches are accepted and never answered (a server that hangs). */
  stall: RegExp | undefined;
  rbac: RbacMode = 'all';
  /** The namespace vault-helm's Role is bound in (secrets and configmaps elsewhere are denied). */
  rbacNamespace = 'vault';
  private readonly tokens = new Map<string, string>([['fake-token', 'injector']]);
  private port = 0;
  private serverOptions: { cert: string; key: string } | undefined;
  private readonly objects = new Map<string, Obj>();
  private readonly watchers = new Set<Watcher>();
  private rv = 100;
  private server: Server | undefined;
  private caPem = '';
  private url = '';

  /** Starts listening on 127.0.0.1 with a fresh CA; returns the server URL. */
  async start(): Promise<string> {
    const { ca, leaf } = fakeApiTls();
    this.caPem = ca.certPem;
    this.serverOptions = { cert: leaf.certPem, key: leaf.keyPem };
    await this.listen(0);
    this.url = `https://127.0.0.1:${this.port}`;
    return this.url;
  }

  private async listen(port: number): Promise<void> {
    const server = createServer(this.serverOptions!, (req, res) => {
      void this.handle(req, res);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  /** Closes the port: clients get connection refused (an API server that is not running). */
  async refuseConnections(): Promise<void> {
    this.endWatches();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Listens again on the same port (the same URL and CA). */
  async acceptConnections(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.endWatches();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** A real KubeConfig pointing at this fake (CA-verified TLS, bearer token). */
  kubeConfig(identity = 'injector'): KubeConfig {
    const token = identity === 'injector' ? this.token : `token-${identity}`;
    this.tokens.set(token, identity);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        { name: 'fake', server: this.url, caData: Buffer.from(this.caPem).toString('base64') },
      ],
      users: [{ name: identity, token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: identity }],
      currentContext: 'fake',
    });
    return kc;
  }

  setMode(mode: FakeMode): void {
    this.mode = mode;
    // A real outage also ends open watch streams.
    if (mode !== 'up') this.endWatches();
  }

  get(kind: Kind, namespace: string, name: string): Obj | undefined {
    const obj = this.objects.get(this.key(kind, namespace, name));
    return obj && structuredClone(obj);
  }

  /**
   * Writes an object directly (as `kubectl apply` would), bumping resourceVersion. `notify: false`
   * skips the watch event, as if it were lost, so only a periodic re-check can notice.
   */
  put(kind: Kind, namespace: string, obj: Obj, opts: { notify?: boolean } = {}): Obj {
    const name = String(obj.metadata?.name);
    const existed = this.objects.has(this.key(kind, namespace, name));
    const event = opts.notify === false ? undefined : existed ? 'MODIFIED' : 'ADDED';
    return this.store(kind, namespace, name, obj, event);
  }

  /** Deletes an object directly (as an operator with kubectl would), with its watch event. */
  delete(kind: Kind, namespace: string, name: string): boolean {
    const k = this.key(kind, namespace, name);
    const current = this.objects.get(k);
    if (!current) return false;
    this.objects.delete(k);
    this.notify(kind, name, 'DELETED', current);
    return true;
  }

  count(method: string, pathPart: string): number {
    return this.requests.filter((r) => r.method === method && r.path.includes(pathPart)).length;
  }

  private key(kind: Kind, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
  }

  private store(kind: Kind, namespace: string, name: string, obj: Obj, event?: string): Obj {
    this.rv += 1;
    const prev = this.objects.get(this.key(kind, namespace, name));
    const stored: Obj = structuredClone(obj);
    stored.metadata = {
      ...stored.metadata,
      name,
      ...(namespace ? { namespace } : {}),
      resourceVersion: String(this.rv),
      uid: (prev?.metadata?.uid as string | undefined) ?? `uid-${this.rv}`,
      creationTimestamp:
        (prev?.metadata?.creationTimestamp as string | undefined) ?? new Date().toISOString(),
    };
    this.objects.set(this.key(kind, namespace, name), stored);
    if (event) this.notify(kind, name, event, stored);
    return structuredClone(stored);
  }

  private notify(kind: Kind, name: string, type: string, obj: Obj): void {
    for (const w of this.watchers) {
      if (w.kind === kind && (w.name === undefined || w.name === name)) {
        w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
      }
    }
  }

  private endWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://fake');
    const method = req.method ?? 'GET';
    const auth = req.headers.authorization ?? '';
    const who = this.tokens.get(auth.replace(/^Bearer /, '')) ?? '';
    const record: RequestRecord = {
      method,
      path: url.pathname,
      contentType: req.headers['content-type'] ?? '',
      who,
      at: performance.now(),
      status: 0,
    };
    this.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    if (this.mode === 'down') {
      req.socket.destroy();
      return;
    }
    // Left open until the client gives up or close() ends every connection.
    if (this.stall?.test(url.pathname) === true) return;
    if (this.mode === 'error') {
      send(res, 500, status(500, 'InternalError', 'fake API server is failing'));
      return;
    }
    if (who === '') {
      send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const route = parseRoute(url.pathname);
    const forbidden = this.rbacDenial(method, route, url, who);
    if (forbidden !== undefined) {
      send(res, 403, status(403, 'Forbidden', forbidden));
      return;
    }
    if (!route) {
      send(res, 404, status(404, 'NotFound', `no route ${url.pathname}`));
      return;
    }
    const body = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
    this.dispatch(method, route, url, body, res as ServerResponse & { req: IncomingMessage });
  }

  /** The 403 message a real API server would give, or undefined when the request is allowed. */
  private rbacDenial(
    method: string,
    route: Route | undefined,
    url: URL,
    who: string,
  ): string | undefined {
    if (this.rbac === 'all') return undefined;
    const user = `User "system:serviceaccount:${this.rbacNamespace}:${who}"`;
    if (!route)
      return `${user} cannot ${method} ${url.pathname}: not granted by vault-helm's roles`;
    const verb = verbOf(method, route.name !== undefined, url.searchParams.get('watch') === 'true');
    const namespaced = route.kind !== 'mutatingwebhookconfigurations';
    const inScope = !namespaced || route.namespace === this.rbacNamespace;
    const granted = this.rbac === 'webhook-only' && namespaced ? [] : VAULT_HELM_GRANTS[route.kind];
    if (inScope && granted.includes(verb)) return undefined;
    const where = namespaced ? ` in the namespace "${route.namespace}"` : ' at the cluster scope';
    return `${route.kind} is forbidden: ${user} cannot ${verb} resource "${route.kind}"${where}`;
  }

  private dispatch(
    method: string,
    route: Route,
    url: URL,
    body: string,
    res: ServerResponse & { req: IncomingMessage },
  ): void {
    if (method === 'GET' && route.name === undefined && url.searchParams.get('watch') === 'true') {
      this.watch(route, url, res);
    } else if (method === 'GET' && route.name !== undefined) {
      this.read(route, route.name, res);
    } else if (method === 'POST' && route.name === undefined) {
      this.create(route, JSON.parse(body) as Obj, res);
    } else if (method === 'PUT' && route.name !== undefined) {
      this.replace(route, route.name, JSON.parse(body) as Obj, res);
    } else if (method === 'PATCH' && route.name !== undefined) {
      this.patch(route, route.name, body, res.req.headers['content-type'] ?? '', res);
    } else if (method === 'DELETE' && route.name !== undefined) {
      this.remove(route, route.name, res);
    } else {
      send(res, 405, status(405, 'MethodNotAllowed', `${method} not supported by the fake`));
    }
  }

  private notFound(route: Route, name: string, res: ServerResponse): void {
    send(res, 404, status(404, 'NotFound', `${route.kind} "${name}" not found`));
  }

  private read(route: Route, name: string, res: ServerResponse): void {
    const obj = this.get(route.kind, route.namespace, name);
    if (obj) send(res, 200, obj);
    else this.notFound(route, name, res);
  }

  private create(route: Route, obj: Obj, res: ServerResponse): void {
    const name = String(obj.metadata?.name ?? '');
    if (this.objects.has(this.key(route.kind, route.namespace, name))) {
      send(res, 409, status(409, 'AlreadyExists', `${route.kind} "${name}" already exists`));
      return;
    }
    send(res, 201, this.store(route.kind, route.namespace, name, obj, 'ADDED'));
  }

  private replace(route: Route, name: string, obj: Obj, res: ServerResponse): void {
    const current = this.objects.get(this.key(route.kind, route.namespace, name));
    if (!current) return this.notFound(route, name, res);
    const wanted = obj.metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== current.metadata?.resourceVersion) {
      const msg = `Operation cannot be fulfilled on ${route.kind} "${name}": the object has been modified`;
      send(res, 409, status(409, 'Conflict', msg));
      return;
    }
    send(res, 200, this.store(route.kind, route.namespace, name, obj, 'MODIFIED'));
  }

  private patch(route: Route, name: string, body: string, type: string, res: ServerResponse): void {
    const current = this.get(route.kind, route.namespace, name);
    if (!current) return this.notFound(route, name, res);
    if (type !== 'application/json-patch+json') {
      send(
        res,
        415,
        status(415, 'UnsupportedMediaType', `fake only takes JSON patch, not ${type}`),
      );
      return;
    }
    try {
      const ops = JSON.parse(body) as Operation[];
      const next = jsonpatch.applyPatch(current, ops, true, false).newDocument as Obj;
      send(res, 200, this.store(route.kind, route.namespace, name, next, 'MODIFIED'));
    } catch (err) {
      send(res, 422, status(422, 'Invalid', `patch failed: ${toError(err).message}`));
    }
  }

  private remove(route: Route, name: string, res: ServerResponse): void {
    const k = this.key(route.kind, route.namespace, name);
    const current = this.objects.get(k);
    if (!current) return this.notFound(route, name, res);
    this.objects.delete(k);
    this.notify(route.kind, name, 'DELETED', current);
    send(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 });
  }

  private watch(route: Route, url: URL, res: ServerResponse): void {
    const selector = url.searchParams.get('fieldSelector') ?? '';
    const name = selector.startsWith('metadata.name=') ? selector.slice(14) : undefined;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const watcher: Watcher = { kind: route.kind, name, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
    // Without a resourceVersion a real watch starts with synthetic ADDED events for what exists.
    for (const [k, obj] of this.objects) {
      const [kind, ns, objName] = k.split('/');
      if (kind === route.kind && ns === route.namespace && (!name || name === objName)) {
        res.write(`${JSON.stringify({ type: 'ADDED', object: obj })}\n`);
      }
    }
  }
}
