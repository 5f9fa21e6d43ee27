import 'server-only';
import { SourceError, type SourceKind } from '@/lib/sources/source-error';

/** Rejects with a `timeout:<kind>` SourceError when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, kind: SourceKind, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SourceError(`timeout:${kind}`, `${what} did not answer within ${ms / 1000} s.`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
