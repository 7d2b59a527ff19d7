// The HTTPS fake of the Kubernetes API (kube-api.ts) plus the read-only endpoints `doctor` uses:
// get and list of namespaces, pods, services, endpoints, replicationcontrollers, apps/v1
// deployments, statefulsets, daemonsets and replicasets, batch/v1 jobs and cronjobs, and
// discovery.k8s.io/v1 endpointslices, across all namespaces and per namespace. It is a fake of just
// those endpoints: lists ignore label and field selectors and never page, and these kinds cannot
// be written through the API (a test seeds them with add()). Any resource, these or the base
// fake's, can be made to answer 403 (forbid) or 404 as if the API did not serve it (unserve).
// With `rbac` other than 'all', these kinds follow vault-helm's grants as the base fake's do: the
// injector's Role allows get, patch and delete of pods in its namespace, and nothing else here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeKubeApi } from './kube-api.js';

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown> };

/** The API group (without version) serving each resource this fake adds. */
const GROUPS: Readonly<Record<string, string>> = {
  namespaces: '',
  pods: '',
  services: '',
  endpoints: '',
  replicationcontrollers: '',
  deployments: 'apps',
  statefulsets: 'apps',
  daemonsets: 'apps',
  replicasets: 'apps',
  jobs: 'batch',
  cronjobs: 'batch',
  endpointslices: 'discovery.k8s.io',
};

export type ClusterResource = keyof typeof GROUPS;

const LIST_KINDS: Readonly<Record<string, string>> = {
  namespaces: 'NamespaceList',
  pods: 'PodList',
  services: 'ServiceList',
  endpoints: 'EndpointsList',
  replicationcontrollers: 'ReplicationControllerList',
  deployments: 'DeploymentList',
  statefulsets: 'StatefulSetList',
  daemonsets: 'DaemonSetList',
  replicasets: 'ReplicaSetList',
  jobs: 'JobList',
  cronjobs: 'CronJobList',
  endpointslices: 'EndpointSliceList',
};

interface ClusterRoute {
  readonly group: string;
  readonly resource: string;
  /** undefined: across all namespaces (or a cluster-scoped resource). */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

/** /api/v1/..., /apis/GROUP/v1/...; `namespaces/NAME` alone is the Namespace object itself. */
const PATH = /^\/api(?:s\/([^/]+))?\/v1\/(?:namespaces\/([^/]+)\/)?([a-z]+)(?:\/([^/]+))?$/;

function parse(pathname: string): ClusterRoute | undefined {
  const m = PATH.exec(pathname);
  if (!m) return undefined;
  return { group: m[1] ?? '', namespace: m[2], resource: m[3]!, name: m[4] };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** vault-helm's (and openbao-helm's) leader Role on pods; no grant covers this fake's other kinds. */
const VAULT_HELM_POD_VERBS: readonly string[] = ['get', 'patch', 'delete'];

function failure(code: number, reason: string, message: string): Obj {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code };
}

export class FakeKubeCluster extends FakeKubeApi {
  private readonly cluster = new Map<string, Obj>();
  private readonly forbidden = new Set<string>();
  private readonly unserved = new Set<string>();
  private serial = 1000;

  /** Stores an object of a doctor-read kind; its namespace comes from metadata.namespace. */
  add(resource: ClusterResource, obj: Obj): Obj {
    this.serial += 1;
    const meta = obj.metadata ?? {};
    const namespace = resource === 'namespaces' ? '' : String(meta.namespace ?? 'default');
    const stored = structuredClone(obj);
    stored.metadata = {
      ...meta,
      ...(namespace ? { namespace } : {}),
      resourceVersion: String(this.serial),
      uid: `uid-${this.serial}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
    };
    this.cluster.set(`${resource}/${namespace}/${String(meta.name)}`, stored);
    return structuredClone(stored);
  }

  /** Every request for this resource (e.g. "pods", "secrets") gets 403 from now on. */
  forbid(resource: string): void {
    this.forbidden.add(resource);
  }

  /** The resource behaves as if its API were not served: 404 on every request. */
  unserve(resource: string): void {
    this.unserved.add(resource);
  }

  /** The route when this fake answers the request itself: its kinds, or a blocked resource. */
  private claim(pathname: string): ClusterRoute | undefined {
    const route = parse(pathname);
    if (route === undefined) return undefined;
    const blocked = this.forbidden.has(route.resource) || this.unserved.has(route.resource);
    return blocked || GROUPS[route.resource] === route.group ? route : undefined;
  }

  /** Only the requests this fake answers itself; the rest go to the base fake. */
  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'https://fake').pathname;
    const route = this.claim(path);
    if (route === undefined) return super.handle(req, res);
    const method = req.method ?? 'GET';
    const record = {
      method,
      path,
      contentType: req.headers['content-type'] ?? '',
      who: 'injector',
      status: 0,
    };
    this.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    if (this.reachable(req, res)) this.answerCluster(method, route, res);
  }

  /** Outages and authentication as the base fake does them. */
  private reachable(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.mode === 'down') {
      req.socket.destroy();
      return false;
    }
    // As the base fake: left open until the client gives up or close() ends the connection.
    if (this.stall?.test(new URL(req.url ?? '/', 'https://fake').pathname) === true) return false;
    if (this.mode === 'error') {
      send(res, 500, failure(500, 'InternalError', 'fake API server is failing'));
      return false;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      send(res, 401, failure(401, 'Unauthorized', 'Unauthorized'));
      return false;
    }
    return true;
  }

  /** The 403 message when `rbac` models vault-helm's grants and they do not cover the request. */
  private clusterRbacDenial(method: string, route: ClusterRoute): string | undefined {
    if (this.rbac === 'all') return undefined;
    const verb = method === 'GET' ? (route.name === undefined ? 'list' : 'get') : method;
    const inScope = route.namespace === this.rbacNamespace;
    const podGrant = this.rbac === 'vault-helm' && route.resource === 'pods' && inScope;
    if (podGrant && VAULT_HELM_POD_VERBS.includes(verb)) return undefined;
    const user = `User "system:serviceaccount:${this.rbacNamespace}:injector"`;
    const where =
      route.namespace === undefined
        ? ' at the cluster scope'
        : ` in the namespace "${route.namespace}"`;
    return `${route.resource} is forbidden: ${user} cannot ${verb.toLowerCase()} resource "${route.resource}"${where}`;
  }

  private answerCluster(method: string, route: ClusterRoute, res: ServerResponse): void {
    const { resource } = route;
    const denial = this.clusterRbacDenial(method, route);
    if (denial !== undefined) {
      send(res, 403, failure(403, 'Forbidden', denial));
    } else if (this.forbidden.has(resource)) {
      const msg = `${resource} is forbidden: User "system:serviceaccount:test:doctor" cannot ${method === 'GET' ? 'list' : method.toLowerCase()} resource "${resource}"`;
      send(res, 403, failure(403, 'Forbidden', msg));
    } else if (this.unserved.has(resource)) {
      send(res, 404, failure(404, 'NotFound', 'the server could not find the requested resource'));
    } else if (method !== 'GET') {
      send(res, 405, failure(405, 'MethodNotAllowed', `${method} not supported by the fake`));
    } else if (route.name === undefined) {
      send(res, 200, this.listCluster(route));
    } else {
      this.readClusterObject(route, res);
    }
  }

  /** A named get: `namespaces/NAME` is the Namespace object itself, not a namespaced collection. */
  private readClusterObject(route: ClusterRoute, res: ServerResponse): void {
    const namespace = route.resource === 'namespaces' ? '' : (route.namespace ?? '');
    const obj = this.cluster.get(`${route.resource}/${namespace}/${route.name}`);
    if (obj) send(res, 200, obj);
    else send(res, 404, failure(404, 'NotFound', `${route.resource} "${route.name}" not found`));
  }

  private listCluster(route: ClusterRoute): Obj {
    const items = [...this.cluster.entries()]
      .filter(([key]) => {
        const [resource, namespace] = key.split('/');
        return (
          resource === route.resource &&
          (route.namespace === undefined || namespace === route.namespace)
        );
      })
      .map(([, obj]) => obj);
    const apiVersion = route.group === '' ? 'v1' : `${route.group}/v1`;
    return {
      apiVersion,
      kind: LIST_KINDS[route.resource],
      metadata: { resourceVersion: String(this.serial) },
      items,
    };
  }
}
