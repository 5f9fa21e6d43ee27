import { z } from 'zod';
import type { Pod, ServiceAccount } from '@/lib/domain/model';
import { podObject, serviceAccountObject, toPod, toServiceAccount } from './kube-objects';

// One page of a Kubernetes list (`kind: PodList` …) turned into the domain's slim objects: the
// zod edge and the projection, nothing of the raw objects kept. Pure and synchronous, so that it
// runs in the parsing worker (list-page-worker.ts) and, where no worker can start, in-thread.

export type ListKind = 'serviceaccounts' | 'pods';

export type ListItem<K extends ListKind> = K extends 'pods' ? Pod : ServiceAccount;

export interface ParsedListPage<K extends ListKind = ListKind> {
  items: Array<ListItem<K>>;
  /** `metadata.continue`: the token of the next page; undefined on the last page. */
  next?: string;
}

/** A Kubernetes List answer: the items are checked one by one. */
const listObject = z.object({
  metadata: z.object({ continue: z.string().nullish() }).nullish(),
  items: z.array(z.unknown()).nullish(),
});

export function parseListPage<K extends ListKind>(kind: K, cluster: string, text: string): ParsedListPage<K> {
  const page = listObject.parse(JSON.parse(text));
  const raw = page.items ?? [];
  const items = new Array<ListItem<K>>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    items[i] = (kind === 'pods' ? toPod(cluster, podObject.parse(raw[i])) : toServiceAccount(cluster, serviceAccountObject.parse(raw[i]))) as ListItem<K>;
  }
  return { items, next: page.metadata?.continue || undefined };
}

const HEAD_BYTES = 4096;

/**
 * The `continue` token of a list page read from the head of its bytes, before the items: the API
 * server writes `metadata` first (`{"kind":"PodList","apiVersion":"v1","metadata":{…,"continue":"…"},"items":[…`),
 * so the next page can be requested while this one is still being parsed. Returns null when the
 * head does not say (another field order, an escaped token): the caller then waits for the parse.
 * Only a hint: the parsed page's own `metadata.continue` decides which page comes next.
 */
export function continueTokenAhead(bytes: Uint8Array): string | undefined | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEAD_BYTES)).toString('latin1');
  const items = head.indexOf('"items"');
  const metadata = head.indexOf('"metadata"');
  if (items === -1 || metadata === -1 || metadata > items) return null;
  const before = head.slice(metadata, items);
  const match = /"continue"\s*:\s*"([^"\\]*)"/.exec(before);
  if (match) return match[1] || undefined;
  // metadata closed before the items without a continue token: the last page.
  return /"continue"/.test(before) ? null : undefined;
}
