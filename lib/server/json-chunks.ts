// JSON text of a large object in pieces, for a streamed response: the same text as
// `JSON.stringify(value)`, but its long top-level arrays (the map's 50,000 nodes and edges) come
// in batches, so a 45 MB body is never one string plus one buffer in memory, and the first bytes
// leave while the rest is still being written. Pure: no I/O. For plain data (what routes answer):
// a `toJSON(key)` that depends on its key would see '' here, and a top-level array is written
// whole.

/** Items of a top-level array per piece (~0.8 MB of JSON for the map's nodes). */
export const DEFAULT_BATCH = 1000;

type Json = Record<string, unknown>;

/** Yields pieces whose concatenation is exactly `JSON.stringify(value)`. */
export function* jsonChunks(value: Json, batch = DEFAULT_BATCH): Generator<string> {
  if (Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    yield JSON.stringify(value);
    return;
  }
  let first = true;
  let head = '{';
  for (const key of Object.keys(value)) {
    const member = value[key];
    const text = Array.isArray(member) && member.length > batch ? undefined : JSON.stringify(member);
    if (text === undefined && !Array.isArray(member)) continue; // undefined, functions, symbols: left out, as JSON.stringify does
    head += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (text !== undefined) {
      head += text;
      continue;
    }
    const items = member as unknown[];
    for (let i = 0; i < items.length; i += batch) {
      let piece = i === 0 ? `${head}[` : ',';
      head = '';
      const end = Math.min(items.length, i + batch);
      for (let j = i; j < end; j++) piece += `${j > i ? ',' : ''}${JSON.stringify(items[j]) ?? 'null'}`;
      yield piece;
    }
    head = ']';
  }
  yield `${head}}`;
}
