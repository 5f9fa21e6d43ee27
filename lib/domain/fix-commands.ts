// Copyable fix commands (az, kubectl) with the real values filled in. Every value is quoted for a
// POSIX shell, because names, issuers and JSON bodies come from the cluster and the tenant, not
// from us. A value we do not know is a shell variable (`"$RESOURCE_GROUP"`) rather than a
// `<placeholder>`: pasted unchanged, `<x>` is a shell redirection, `"$X"` fails loudly when unset.

import { WI, type Identity, type Pod } from './model';

/** A value the user must supply, rendered as `"$NAME"`. */
export interface ShellVariable {
  variable: string;
}

export const shellVariable = (variable: string): ShellVariable => ({ variable });

const SAFE_WORD = /^[A-Za-z0-9_\-.,:/@=+%]+$/;

/** Quotes one word for a POSIX shell: bare when safe, else single-quoted with `'` escaped. */
export function shellQuote(value: string): string {
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(words: Array<string | ShellVariable>): string {
  return words.map((w) => (typeof w === 'string' ? shellQuote(w) : `"$${w.variable}"`)).join(' ');
}

/**
 * A `kubectl …` command run against `cluster`'s kubeconfig context (`kubectl --context <cluster> …`);
 * any other command, or no cluster, unchanged. For maps of several clusters, whose names are the
 * kubeconfig contexts: a fix must not act on whichever context is current.
 */
export function inKubeContext(command: string, cluster: string | undefined): string {
  if (cluster === undefined || !command.startsWith('kubectl ') || command.startsWith('kubectl --context ')) return command;
  return `kubectl --context ${shellQuote(cluster)} ${command.slice('kubectl '.length)}`;
}

/** Who owns (or should own) a FIC, as much as the Azure snapshot tells. */
export type FicOwner =
  | { kind: 'managedIdentity'; clientId: string; name: string; resourceGroup?: string }
  | { kind: 'application'; appId: string }
  /** Only the client ID is known (an annotation or a FIC whose owner was not listed). */
  | { kind: 'unknown'; clientId: string };

export function ficOwnerOf(identity: Identity | undefined, clientId: string): FicOwner {
  if (!identity) return { kind: 'unknown', clientId };
  if (identity.kind === 'application') return { kind: 'application', appId: identity.appId };
  return {
    kind: 'managedIdentity',
    clientId: identity.clientId,
    name: identity.name,
    resourceGroup: identity.resourceGroup ?? /\/resourceGroups\/([^/]+)/i.exec(identity.resourceId)?.[1],
  };
}

export interface FicValues {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

/** A FIC name that Azure accepts: `^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$`. */
export function ficNameFor(...parts: string[]): string {
  let name = parts
    .join('-')
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .replace(/-{2,}/g, '-');
  if (name.length < 3) name = `fic-${name}`.replace(/-$/, '') + '-wi';
  return name.slice(0, 120);
}

function miArgs(owner: Extract<FicOwner, { kind: 'managedIdentity' }> | Extract<FicOwner, { kind: 'unknown' }>) {
  return owner.kind === 'managedIdentity'
    ? ['--identity-name', owner.name, '--resource-group', owner.resourceGroup ?? shellVariable('RESOURCE_GROUP')]
    : ['--identity-name', shellVariable('IDENTITY_NAME'), '--resource-group', shellVariable('RESOURCE_GROUP')];
}

/** `az` command(s) creating a FIC; an owner known only by client ID gets a look-up first. */
export function createFicCommands(owner: FicOwner, fic: FicValues): string[] {
  if (owner.kind === 'application') {
    return [
      shellCommand(['az', 'ad', 'app', 'federated-credential', 'create', '--id', owner.appId, '--parameters', ficJson(fic)]),
    ];
  }
  return [
    ...lookUpOwner(owner),
    shellCommand([
      'az', 'identity', 'federated-credential', 'create', '--name', fic.name, ...miArgs(owner),
      '--issuer', fic.issuer, '--subject', fic.subject, '--audiences', ...fic.audiences,
    ]),
  ];
}

/**
 * `az` command(s) rewriting a FIC's issuer/subject/audiences in place (its name is immutable).
 * `subject` is absent for a FIC matched by `claimsMatchingExpression`, which stays as it is.
 */
export function updateFicCommands(owner: FicOwner, fic: Omit<FicValues, 'subject'> & { subject?: string }): string[] {
  if (owner.kind === 'application') {
    return [
      shellCommand([
        'az', 'ad', 'app', 'federated-credential', 'update', '--id', owner.appId,
        '--federated-credential-id', fic.name, '--parameters', ficJson(fic),
      ]),
    ];
  }
  return [
    ...lookUpOwner(owner),
    shellCommand([
      'az', 'identity', 'federated-credential', 'update', '--name', fic.name, ...miArgs(owner),
      '--issuer', fic.issuer, ...(fic.subject === undefined ? [] : ['--subject', fic.subject]), '--audiences', ...fic.audiences,
    ]),
  ];
}

export function deleteFicCommands(owner: FicOwner, ficName: string): string[] {
  if (owner.kind === 'application') {
    return [shellCommand(['az', 'ad', 'app', 'federated-credential', 'delete', '--id', owner.appId, '--federated-credential-id', ficName])];
  }
  return [
    ...lookUpOwner(owner),
    shellCommand(['az', 'identity', 'federated-credential', 'delete', '--name', ficName, ...miArgs(owner), '--yes']),
  ];
}

export function showFicCommands(owner: FicOwner, ficName: string): string[] {
  if (owner.kind === 'application') {
    return [shellCommand(['az', 'ad', 'app', 'federated-credential', 'show', '--id', owner.appId, '--federated-credential-id', ficName])];
  }
  return [...lookUpOwner(owner), shellCommand(['az', 'identity', 'federated-credential', 'show', '--name', ficName, ...miArgs(owner)])];
}

function lookUpOwner(owner: FicOwner): string[] {
  if (owner.kind !== 'unknown') return [];
  // Sets the two variables the next command uses; JMESPath literal quoted with backticks-free '…'.
  const query = `[?clientId=='${owner.clientId}'] | [0]`;
  return [
    `IDENTITY_NAME=$(${shellCommand(['az', 'identity', 'list', '--query', `${query}.name`, '-o', 'tsv'])})`,
    `RESOURCE_GROUP=$(${shellCommand(['az', 'identity', 'list', '--query', `${query}.resourceGroup`, '-o', 'tsv'])})`,
  ];
}

function ficJson(fic: Omit<FicValues, 'subject'> & { subject?: string }): string {
  return JSON.stringify({ name: fic.name, issuer: fic.issuer, subject: fic.subject, audiences: fic.audiences });
}

export function annotateServiceAccountCommand(namespace: string, name: string, key: string, value: string | ShellVariable): string {
  if (typeof value === 'string') {
    return shellCommand(['kubectl', 'annotate', 'serviceaccount', '-n', namespace, name, `${key}=${value}`, '--overwrite']);
  }
  // `key="$VAR"`: the variable must stay outside single quotes to expand.
  return `${shellCommand(['kubectl', 'annotate', 'serviceaccount', '-n', namespace, name])} ${shellQuote(key)}="$${value.variable}" --overwrite`;
}

/** The controller that owns a pod, as far as its name and labels tell (pods carry no owner here). */
export interface Workload {
  kind: 'deployment' | 'statefulset' | 'daemonset';
  name: string;
}

/**
 * Derives the owner from the naming conventions of the controllers: Deployment pods are
 * `<deployment>-<pod-template-hash>-<5 chars>`, StatefulSet pods `<statefulset>-<ordinal>`,
 * DaemonSet pods `<daemonset>-<5 chars>` (with `pod-template-generation`). Undefined otherwise:
 * the caller then says "recreate the pod" instead of guessing a name.
 */
export function workloadOf(pod: Pod): Workload | undefined {
  const hash = pod.labels['pod-template-hash'];
  if (hash) {
    const suffix = `-${hash}-`;
    const at = pod.name.lastIndexOf(suffix);
    if (at > 0 && /^[a-z0-9]{5}$/.test(pod.name.slice(at + suffix.length))) return { kind: 'deployment', name: pod.name.slice(0, at) };
  }
  if (pod.labels['statefulset.kubernetes.io/pod-name'] === pod.name) {
    const m = /^(.+)-\d+$/.exec(pod.name);
    if (m) return { kind: 'statefulset', name: m[1]! };
  }
  if (pod.labels['pod-template-generation'] !== undefined) {
    const m = /^(.+)-[a-z0-9]{5}$/.exec(pod.name);
    if (m) return { kind: 'daemonset', name: m[1]! };
  }
  if (!hash) {
    // Labels stripped by the snapshot: fall back to the Deployment naming pattern alone.
    const m = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod.name);
    if (m && !pod.labels['job-name']) return { kind: 'deployment', name: m[1]! };
  }
  return undefined;
}

export function rolloutRestartCommand(workload: Workload, namespace: string): string {
  return shellCommand(['kubectl', 'rollout', 'restart', `${workload.kind}/${workload.name}`, '-n', namespace]);
}

/**
 * Patches the pod template: the webhook mutates pods on CREATE only, so a label or annotation on a
 * running pod changes nothing; a template change also rolls the pods, which is what applies it.
 */
export function patchPodTemplateCommand(
  workload: Workload,
  namespace: string,
  metadata: { labels?: Record<string, string | null>; annotations?: Record<string, string | null> },
): string {
  const patch = JSON.stringify({ spec: { template: { metadata } } });
  return shellCommand(['kubectl', 'patch', workload.kind, workload.name, '-n', namespace, '--type', 'merge', '-p', patch]);
}

/** Finds the controller of a pod whose name did not tell it. */
export function podOwnerLookUpCommand(pod: Pod): string {
  return shellCommand([
    'kubectl', 'get', 'pod', pod.name, '-n', pod.namespace,
    '-o', 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}{"\\n"}',
  ]);
}

/** How to apply a change to a pod: restart its controller, or recreate a bare pod. */
export function restartPodCommands(pod: Pod): { commands: string[]; how: string } {
  const workload = workloadOf(pod);
  if (workload) {
    return { commands: [rolloutRestartCommand(workload, pod.namespace)], how: `restart ${workload.kind}/${workload.name}` };
  }
  return {
    commands: [podOwnerLookUpCommand(pod)],
    how: `recreate the pod ${pod.namespace}/${pod.name} (find its controller with the command below, then restart it; a bare pod must be deleted and created again)`,
  };
}

export function enableOidcIssuerCommand(clusterName: string): string {
  return shellCommand([
    'az', 'aks', 'update', '-g', shellVariable('AKS_RESOURCE_GROUP'), '-n', clusterName, '--enable-oidc-issuer', '--enable-workload-identity',
  ]);
}

export function aksIssuerQueryCommand(clusterName: string): string {
  return shellCommand([
    'az', 'aks', 'show', '-g', shellVariable('AKS_RESOURCE_GROUP'), '-n', clusterName, '--query', 'oidcIssuerProfile.issuerUrl', '-o', 'tsv',
  ]);
}

export const TOKEN_EXCHANGE_AUDIENCES = [WI.tokenExchangeAudience];
