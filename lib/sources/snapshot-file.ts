import 'server-only';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { SourceError, type SourceKind } from './source-error';

/**
 * JSON.parse's "… at position 400" with the line and column an editor shows ("line 12, column 5"),
 * unless the message already says them. The message is kept as it is otherwise.
 */
export function withLineAndColumn(message: string, text: string): string {
  const match = /at position (\d+)(?!\d| \(line)/.exec(message);
  if (!match) return message;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${message.slice(0, match.index + match[0].length)} (line ${line}, column ${column})${message.slice(match.index + match[0].length)}`;
}

/**
 * Reads one JSON file of a snapshot directory and checks it with `schema`.
 * Missing file → undefined (the caller reports it as missing). Anything else that is wrong names
 * the file, the JSON path and the command that should have produced it.
 */
export async function readSnapshotJson<S extends z.ZodType>(
  kind: SourceKind,
  directory: string,
  file: string,
  schema: S,
  producedBy: string,
): Promise<z.infer<S> | undefined> {
  const path = join(directory, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new SourceError(`failed:${kind}`, `Snapshot file ${path} is a directory, not a file. Produce it with: ${producedBy}`);
    throw new SourceError(`failed:${kind}`, `Cannot read snapshot file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SourceError(
      `invalid-response:${kind}`,
      `Snapshot file ${path} is not JSON (${withLineAndColumn((error as Error).message, text)}). Produce it with: ${producedBy}`,
    );
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw notWrittenBy(kind, path, producedBy, issue.path.length ? `$.${issue.path.join('.')}` : '$', issue.message);
  }
  return result.data;
}

/** A snapshot file whose content at JSON path `at` is not what `producedBy` writes, and why. */
export function notWrittenBy(kind: SourceKind, path: string, producedBy: string, at: string, why: string): SourceError {
  return new SourceError(`invalid-response:${kind}`, `Snapshot file ${path} is not what \`${producedBy}\` writes: at ${at}: ${why}`);
}

/**
 * A `missing` entry for a file that is there but unusable, as the map's callout reads it ("The
 * snapshot lacks <entry>: …"): `a usable jwks.json (it is not what … writes: at $.keys: …)`.
 * The file is named once, by its name in the snapshot.
 */
export function unusableSnapshotFile(shown: string, path: string, error: SourceError): string {
  const prefix = `Snapshot file ${path} `;
  const why = error.message.startsWith(prefix) ? `it ${error.message.slice(prefix.length)}` : error.message;
  return `a usable ${shown} (${why.replace(/\.$/, '')})`;
}
