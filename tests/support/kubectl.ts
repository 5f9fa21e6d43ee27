import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startKubeDiscoveryStub } from './kube-discovery-stub';
import { repoRoot } from './next-server';

// The installed kubectl, run against a loopback discovery-only API (kube-discovery-stub.ts) with
// a throwaway KUBECONFIG and HOME: `kubectl apply --dry-run=client` renders and checks the
// kustomization exactly as `kubectl apply -k` would, and writes nothing anywhere.

const run = promisify(execFile);

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Fails with an actionable message when kubectl is missing or too old for the kustomizations. */
export async function requireKubectl(): Promise<string> {
  let out: string;
  try {
    out = (await run('kubectl', ['version', '--client', '-o', 'json'], { timeout: 30_000 })).stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed (not on PATH). These tests validate deploy/ with `kubectl apply --dry-run=client -k`; ' +
          'install kubectl 1.27 or later (kustomize v5): Debian bookworm only packages kubernetes-client 1.20, which is too old, ' +
          'so use the Kubernetes or Google Cloud apt repository, or a kubectl binary on PATH.',
      );
    }
    throw error;
  }
  const version = JSON.parse(out) as { clientVersion: { major: string; minor: string; gitVersion: string } };
  const minor = Number.parseInt(version.clientVersion.minor, 10);
  if (Number(version.clientVersion.major) !== 1 || minor < 27) {
    throw new Error(`kubectl ${version.clientVersion.gitVersion} is too old: deploy/ uses kustomize v5 features (labels, patches); install kubectl 1.27 or later.`);
  }
  return version.clientVersion.gitVersion;
}

/**
 * `kubectl apply --dry-run=client --validate=false -k <dir> -o json`: the objects `kubectl apply
 * -k` would create, with their last-applied annotation removed. Also returns every request kubectl
 * sent to the stub, so callers can assert that only GETs went out.
 */
export async function dryRunApply(kustomization: string): Promise<{ objects: KubeObject[]; methods: string[] }> {
  const stub = await startKubeDiscoveryStub();
  const home = mkdtempSync(join(tmpdir(), 'idlens-kubectl-'));
  try {
    writeFileSync(join(home, 'kubeconfig'), stub.kubeconfig());
    // Asynchronous on purpose: the stub answers from this process's event loop.
    const { stdout } = await run('kubectl', ['apply', '--dry-run=client', '--validate=false', '-k', kustomization, '-o', 'json'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: home, KUBECONFIG: join(home, 'kubeconfig'), NODE_ENV: 'test' },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const list = JSON.parse(stdout) as { kind: string; items?: KubeObject[] } & KubeObject;
    const objects = list.kind === 'List' ? (list.items ?? []) : [list];
    for (const o of objects) {
      delete o.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
      if (o.metadata.annotations && Object.keys(o.metadata.annotations).length === 0) delete o.metadata.annotations;
    }
    return { objects, methods: [...new Set(stub.requests.map((r) => r.method))] };
  } finally {
    await stub.close();
    rmSync(home, { recursive: true, force: true });
  }
}
