import 'server-only';
import { describeModes, getConfig } from '@/lib/config';
import { explainEntraError, type EntraErrorExplanation } from '@/lib/domain/error-explanation';
import type { AzureSnapshot, ClusterSnapshot } from '@/lib/domain/model';
import { azureSnapshot, clusterSnapshot } from './snapshots';
import { SourceError, type SourceStatus } from '@/lib/sources/source-error';

export interface ExplainErrorResponse extends EntraErrorExplanation {
  sources: { cluster: SourceStatus; azure: SourceStatus };
}

const EMPTY_CLUSTER: ClusterSnapshot = { clusters: [], serviceAccounts: [], pods: [] };
const EMPTY_AZURE: AzureSnapshot = { identities: [], applications: [], federatedCredentials: [], appRoleAssignments: [] };

async function read<T>(mode: string, kind: 'cluster' | 'azure', list: () => Promise<T>): Promise<{ value?: T; status: SourceStatus }> {
  try {
    return { value: await list(), status: { mode, ok: true } };
  } catch (error) {
    const e = SourceError.from(error, kind);
    return { status: { mode, ok: false, error: { code: e.code, message: e.message } } };
  }
}

/** Explains an AADSTS error text against what the sources know (either may fail on its own). */
export async function explainError(text: string): Promise<ExplainErrorResponse> {
  const modes = describeModes(getConfig());
  const [cluster, azure] = await Promise.all([read(modes.cluster, 'cluster', () => clusterSnapshot()), read(modes.azure, 'azure', () => azureSnapshot())]);
  const explanation = explainEntraError(text, cluster.value ?? EMPTY_CLUSTER, azure.value ?? EMPTY_AZURE);
  return { ...explanation, sources: { cluster: cluster.status, azure: azure.status } };
}
