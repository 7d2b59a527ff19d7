// Which kubeconfig and context doctor uses, as kubectl chooses them: --kubeconfig, else every file
// KUBECONFIG lists that exists (missing ones skipped, the first to define a name or the current
// context wins), else ~/.kube/config, else the pod's service account. A user's mistake here (no
// file, an unknown context) is a bad flag: exit 2 with one line.
import { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { UsageError } from '../io.js';

export const EXIT_BAD_KUBECONFIG = 2;

export interface KubeConfigFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** KUBECONFIG as the environment has it: paths joined by the platform's list delimiter. */
  readonly kubeconfigEnv?: string;
}

/** What loadFromDefault settles on when it finds nothing: plain HTTP to localhost:8080. */
function isClientNodeFallback(kc: KubeConfig): boolean {
  const [cluster] = kc.clusters;
  return (
    kc.clusters.length === 1 &&
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080' &&
    kc.users[0]?.name === 'user'
  );
}

function loadFile(path: string): KubeConfig {
  if (!existsSync(path)) {
    throw new UsageError(`cannot load the kubeconfig ${path}: no such file`, EXIT_BAD_KUBECONFIG);
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? '';
    throw new UsageError(`cannot load the kubeconfig ${path}: ${message}`, EXIT_BAD_KUBECONFIG);
  }
  return kc;
}

/** The first entry of each name across the files, in file order (kubectl's merge). */
function firstByName<T extends { readonly name: string }>(lists: readonly (readonly T[])[]): T[] {
  const seen = new Map<string, T>();
  for (const list of lists)
    for (const item of list) if (!seen.has(item.name)) seen.set(item.name, item);
  return [...seen.values()];
}

/** KUBECONFIG's files merged, skipping those that do not exist; an error only when none does. */
function loadKubeconfigList(value: string): KubeConfig {
  const paths = value.split(delimiter).filter((p) => p !== '');
  const present = paths.filter((p) => existsSync(p));
  if (present.length === 0) {
    throw new UsageError(
      `no kubeconfig found: none of the files KUBECONFIG lists exists (${paths.join(', ')})`,
      EXIT_BAD_KUBECONFIG,
    );
  }
  const configs = present.map(loadFile);
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName(configs.map((c) => c.clusters)),
    users: firstByName(configs.map((c) => c.users)),
    contexts: firstByName(configs.map((c) => c.contexts)),
    currentContext: configs.find((c) => c.currentContext)?.currentContext ?? '',
  });
  return merged;
}

function loadDefault(): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? '';
    throw new UsageError(`cannot load the kubeconfig: ${message}`, EXIT_BAD_KUBECONFIG);
  }
  if (isClientNodeFallback(kc)) {
    throw new UsageError(
      'no kubeconfig found (--kubeconfig, KUBECONFIG, ~/.kube/config) and not running in a pod',
      EXIT_BAD_KUBECONFIG,
    );
  }
  return kc;
}

function useContext(kc: KubeConfig, context: string): void {
  if (kc.getContextObject(context) !== null) {
    kc.setCurrentContext(context);
    return;
  }
  const names = kc.contexts.map((c) => c.name);
  const known = names.length === 0 ? 'it defines none' : `its contexts: ${names.join(', ')}`;
  throw new UsageError(
    `--context ${JSON.stringify(context)}: no such context in the kubeconfig (${known})`,
    EXIT_BAD_KUBECONFIG,
  );
}

export function loadKubeConfig(flags: KubeConfigFlags): KubeConfig {
  const kc =
    flags.kubeconfig !== undefined
      ? loadFile(flags.kubeconfig)
      : flags.kubeconfigEnv
        ? loadKubeconfigList(flags.kubeconfigEnv)
        : loadDefault();
  if (flags.context !== undefined) useContext(kc, flags.context);
  return kc;
}
