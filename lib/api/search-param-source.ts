// Both page URL modules (map, traces) read their params from URLSearchParams, Next's
// ReadonlyURLSearchParams, or a server component's `searchParams` record: one reader for all three.

export type ParamSource = URLSearchParams | { get(name: string): string | null } | Record<string, string | string[] | undefined>;

/** The first value of `name`, as given (each module applies its own length and trimming rules). */
export function readParam(source: ParamSource, name: string): string | undefined {
  let value: string | string[] | null | undefined;
  if (typeof (source as URLSearchParams).get === 'function') value = (source as URLSearchParams).get(name);
  else value = (source as Record<string, string | string[] | undefined>)[name];
  if (Array.isArray(value)) value = value[0];
  return value ?? undefined;
}
