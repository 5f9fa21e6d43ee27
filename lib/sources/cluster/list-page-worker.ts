import { parentPort } from 'node:worker_threads';
import { parseListPage, type ListKind } from './list-page';

// The parsing worker of kube-cluster-source.ts (started by list-page-parser.ts): a list page's
// bytes cut to what the schemas read, JSON.parse and the zod edge (list-page.ts), on the second
// core, so the server's main thread keeps answering (and reading Azure) while 170 MB of pod pages
// are parsed. Only the slim items go back.

export interface ParseRequest {
  id: number;
  kind: ListKind;
  cluster: string;
  bytes: Uint8Array;
}

export type ParseReply = { id: number; page: ReturnType<typeof parseListPage> } | { id: number; error: string } | { ready: true };

const port = parentPort!;
port.on('message', (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id: request.id, page: parseListPage(request.kind, request.cluster, request.bytes) };
  } catch (error) {
    reply = { id: request.id, error: (error as Error)?.message ?? String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies ParseReply);
