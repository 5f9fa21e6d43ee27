// The browser side of our HTTP API: one fetch wrapper that turns the contract's
// `{ error: { code, message } }` into an ApiError with the status kept (so 401/403 are not retried).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function fetchJson<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (error) {
    throw new ApiError(0, 'network', `The idlens server could not be reached (${(error as Error).message}). Is it still running?`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(response.status, e?.code ?? `http-${response.status}`, e?.message ?? `The server answered ${response.status} ${response.statusText}.`);
  }
  return body as T;
}
