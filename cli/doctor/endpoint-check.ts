// Whether the webhook's Service has a ready backend. EndpointSlices are read first (Endpoints is
// deprecated from Kubernetes 1.33); the Endpoints object is the fallback where slices are not
// served or not readable.
import { finding, objectName, type DoctorFinding } from './findings.js';
import { field, labelsOf, list, type Obj } from './k8s-objects.js';
import { valueOf, type ServiceRead } from './snapshot.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** conditions.ready unset means ready (discovery/v1 API documentation). */
function readyInSlice(slice: Obj): number {
  return list(slice, 'endpoints').filter((e) => field(e, 'conditions').ready !== false).length;
}

function readyInEndpoints(endpoints: Obj): number {
  return list(endpoints, 'subsets').reduce((n, s) => n + list(s, 'addresses').length, 0);
}

/** Ready endpoints, or undefined when neither source could be read. */
function readyCount(read: ServiceRead): number | undefined {
  const slices = valueOf(read.endpointSlices);
  if (slices !== undefined) {
    return slices
      .filter((s) => labelsOf(s)[SERVICE_NAME_LABEL] === read.name)
      .reduce((n, s) => n + readyInSlice(s), 0);
  }
  if (read.endpoints?.status !== 'ok') return undefined;
  return read.endpoints.value === undefined ? 0 : readyInEndpoints(read.endpoints.value);
}

export function checkInjectorEndpoints(read: ServiceRead): DoctorFinding[] {
  const object = objectName('Service', read.namespace, read.name);
  const hint =
    'check the injector Deployment (kubectl -n NS get pods,events): its pods must be Running and pass /health/ready';
  if (read.service.status === 'ok' && read.service.value === undefined) {
    return [
      finding('no-ready-injector', {
        object,
        message: `${object}, which the webhook calls, does not exist.`,
        hint: 'apply the injector manifests, or point the webhook at the right Service',
      }),
    ];
  }
  const ready = readyCount(read);
  if (ready === undefined || ready > 0) return [];
  return [
    finding('no-ready-injector', {
      object,
      message: `${object} has no ready endpoint, so every call to the injector fails.`,
      hint: hint.replace('NS', read.namespace),
    }),
  ];
}
