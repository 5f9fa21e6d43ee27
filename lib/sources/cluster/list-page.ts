import { z } from 'zod';
import type { Pod, ServiceAccount } from '@/lib/domain/model';
import { keepPlanOf, prunedJsonText, type KeepPlan } from './json-prune';
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

/** What of a list page the schemas read: the list's `metadata` as listObject declares it, each item as its kind's schema. */
const keepPlans: Record<ListKind, KeepPlan> = {
  pods: pagePlan(podObject),
  serviceaccounts: pagePlan(serviceAccountObject),
};

function pagePlan(item: z.ZodType): KeepPlan {
  return {
    keep: 'members',
    members: new Map([
      ['metadata', keepPlanOf(listObject.shape.metadata)],
      ['items', { keep: 'elements', element: keepPlanOf(item) }],
    ]),
  };
}

/**
 * One list page's bytes (UTF-8 JSON) → its slim items and `continue` token. The bytes are first
 * cut down to what the schemas read (json-prune.ts: ~30% of a pod page), which is then parsed;
 * the answer is the same as parsing the whole page. Where that fails for any reason (a text the
 * walker does not handle, malformed JSON, an item the schema refuses), the whole page is parsed
 * as it is, so that errors name the page's own text and nothing is lost. Members the schemas do
 * not read are walked but not checked: a page that is malformed only inside them still parses.
 */
export function parseListPage<K extends ListKind>(kind: K, cluster: string, bytes: Uint8Array): ParsedListPage<K> {
  try {
    return parseListText(kind, cluster, prunedJsonText(bytes, keepPlans[kind]));
  } catch {
    return parseListText(kind, cluster, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }
}

function parseListText<K extends ListKind>(kind: K, cluster: string, text: string): ParsedListPage<K> {
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
