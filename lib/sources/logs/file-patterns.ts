import 'server-only';
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// What an `IDLENS_LOGS` file entry names: one file (with its rotated siblings), a directory (the
// files in it) or a glob. The globs are the small shell subset users write for logs: `*` and `?`
// within one path segment, `**` for any number of directories; no dependency for that. As in a
// shell, `*` and `?` do not match a leading dot, and symlinked directories are not followed by `**`
// (no cycles). Directories and broken symlinks that a pattern names are returned too: the scan
// reports them as per-file errors instead of hiding them.

/** Stop expanding after this many files: a pattern like `/**` must not walk a whole disk. */
export const MAX_MATCHED_FILES = 10_000;
const MAX_GLOB_DEPTH = 32;

export function hasGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** `*` → any run of characters but `/`, `?` → one such character, everything else literal. */
function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (const ch of segment) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function isGzip(path: string): boolean {
  return path.endsWith('.gz');
}

/** `consumer.log.2.gz` → `consumer`; `provider.jsonl` → `provider`. */
export function serviceHintFor(path: string): string {
  const name = basename(path).replace(/\.gz$/, '').replace(/\.\d+$/, '');
  const withoutExtension = name.replace(/\.[A-Za-z0-9]{1,10}$/, '');
  return withoutExtension || name;
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return []; // an unreadable or vanished directory matches nothing
  }
}

/** `app.log` → `app.log.1`, `app.log.2.gz`, `app.log.gz` beside it (oldest rotation first). */
async function rotatedSiblings(file: string): Promise<string[]> {
  const dir = dirname(file);
  const name = basename(file);
  const siblings: Array<{ path: string; n: number }> = [];
  for (const entry of await entries(dir)) {
    if (entry.name === name || !entry.name.startsWith(`${name}.`)) continue;
    const rest = entry.name.slice(name.length);
    const m = /^(?:\.(\d+))?(?:\.gz)?$/.exec(rest);
    if (m && rest !== '') siblings.push({ path: join(dir, entry.name), n: m[1] ? Number(m[1]) : 0 });
  }
  return siblings.sort((a, b) => b.n - a.n).map((s) => s.path);
}

async function walk(dir: string, segments: string[], depth: number, out: Set<string>): Promise<void> {
  if (out.size >= MAX_MATCHED_FILES || depth > MAX_GLOB_DEPTH) return;
  const [segment, ...rest] = segments;
  if (segment === undefined) return;
  if (segment === '**') {
    await walk(dir, rest, depth, out); // zero directories
    for (const entry of await entries(dir)) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(join(dir, entry.name), segments, depth + 1, out);
    }
    return;
  }
  if (!hasGlob(segment)) {
    const path = join(dir, segment);
    if (rest.length === 0) {
      const found = (await entries(dir)).some((e) => e.name === segment);
      if (found) out.add(path);
    } else {
      await walk(path, rest, depth + 1, out);
    }
    return;
  }
  const re = segmentRegExp(segment);
  for (const entry of await entries(dir)) {
    if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
    if (!re.test(entry.name)) continue;
    const path = join(dir, entry.name);
    if (rest.length === 0) out.add(path);
    else if (entry.isDirectory()) await walk(path, rest, depth + 1, out);
    if (out.size >= MAX_MATCHED_FILES) return;
  }
}

export interface ExpandedPattern {
  files: string[];
  /** True when expansion stopped at MAX_MATCHED_FILES. */
  capped: boolean;
}

/**
 * The files a pattern names, sorted. A named file (or glob match) brings its rotated siblings
 * along (`app.log` → `app.log.1`, `app.log.2.gz`), because one request's lines may sit on both
 * sides of a rotation; a directory already lists them. Throws nothing: no files = no match.
 */
export async function expandFilePattern(pattern: string): Promise<ExpandedPattern> {
  const out = new Set<string>();
  let withSiblings = true;
  if (!hasGlob(pattern)) {
    const info = await stat(pattern).catch(() => undefined);
    if (!info) {
      // A dangling symlink still names a file for the user: let the scan say why it cannot be read.
      if ((await entries(dirname(pattern))).some((e) => e.name === basename(pattern))) out.add(pattern);
    } else if (info.isDirectory()) {
      withSiblings = false;
      for (const entry of await entries(pattern)) {
        if (entry.name.startsWith('.') || entry.isDirectory()) continue;
        out.add(join(pattern, entry.name));
        if (out.size >= MAX_MATCHED_FILES) break;
      }
    } else {
      out.add(pattern);
    }
  } else {
    const absolute = pattern.startsWith('/');
    const segments = pattern.split('/').filter((s, i) => s !== '' && !(s === '.' && i > 0));
    const firstGlob = segments.findIndex(hasGlob);
    const base = join(absolute ? '/' : '.', ...segments.slice(0, firstGlob));
    await walk(base, segments.slice(firstGlob), 0, out);
  }
  if (withSiblings) {
    for (const file of [...out]) {
      if (out.size >= MAX_MATCHED_FILES) break;
      if (/\.(\d+|gz)$/.test(file)) continue; // already a rotation
      for (const sibling of await rotatedSiblings(file)) out.add(sibling);
    }
  }
  const files = [...out].sort().slice(0, MAX_MATCHED_FILES);
  return { files, capped: out.size >= MAX_MATCHED_FILES };
}
