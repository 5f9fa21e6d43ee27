import 'server-only';
import { SourceError, type SourceKind } from '@/lib/sources/source-error';

/**
 * Rejects with a `timeout:<kind>` SourceError when the work takes longer than `ms`. Pass a function
 * to receive a signal that is aborted at the deadline, so the work stops instead of running on.
 */
export async function withTimeout<T>(work: Promise<T> | ((signal: AbortSignal) => Promise<T>), ms: number, kind: SourceKind, what: string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new SourceError(`timeout:${kind}`, `${what} did not answer within ${ms / 1000} s.`));
    }, ms);
  });
  try {
    return await Promise.race([typeof work === 'function' ? work(controller.signal) : work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
