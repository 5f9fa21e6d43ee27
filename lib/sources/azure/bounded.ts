import 'server-only';

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order.
 * ARM throttles list calls (about 5/s per subscription) and Graph throttles per app and tenant:
 * a fan-out over hundreds of identities must not open hundreds of requests at once.
 * The first rejection rejects the whole map (no new calls start after it); callers that want
 * partial results catch inside `fn`.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
