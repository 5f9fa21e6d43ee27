import 'server-only';
import { findIdOccurrence } from './id-occurrence';
import { cutAtCharBoundary, MAX_LINE_BYTES } from './line-scanner';

// Line helpers for the sources whose upstream hands over text (pod logs, Loki, Log Analytics):
// the same 1 MiB cap and whole-token pre-filter as the file scanner, on strings.

/** `text` cut to 1 MiB of UTF-8 (never inside a character); `cut` says whether it was. */
export function capLine(text: string): { text: string; cut: boolean } {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most lines are decided without encoding.
  if (text.length * 3 <= MAX_LINE_BYTES) return { text, cut: false };
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_LINE_BYTES) return { text, cut: false };
  return { text: bytes.toString('utf8', 0, cutAtCharBoundary(bytes, 0, MAX_LINE_BYTES)), cut: true };
}

/**
 * The lines of `text` (a whole log, `\n`-separated) that hold `id` as a whole token, each once,
 * in order, without their end-of-line. Only those lines are sliced out of the text.
 */
export function linesContainingId(text: string, id: string): string[] {
  const lines: string[] = [];
  if (id.length === 0 || id.includes('\n')) return lines;
  let from = 0;
  for (;;) {
    const found = findIdOccurrence(text, id, { from });
    if (found === -1) return lines;
    const start = text.lastIndexOf('\n', found) + 1;
    const nl = text.indexOf('\n', found + id.length);
    const end = nl === -1 ? text.length : nl;
    lines.push(text.slice(start, end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end));
    if (nl === -1) return lines;
    from = nl + 1;
  }
}

/** All lines of `text`, without a trailing empty line. */
export function allLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
