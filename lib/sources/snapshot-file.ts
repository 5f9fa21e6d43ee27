import 'server-only';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { SourceError, type SourceKind } from './source-error';

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
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SourceError(`failed:${kind}`, `Cannot read snapshot file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SourceError(
      `invalid-response:${kind}`,
      `Snapshot file ${path} is not JSON (${(error as Error).message}). Produce it with: ${producedBy}`,
    );
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = issue.path.length ? `$.${issue.path.join('.')}` : '$';
    throw new SourceError(
      `invalid-response:${kind}`,
      `Snapshot file ${path} is not what \`${producedBy}\` writes: at ${at}: ${issue.message}`,
    );
  }
  return result.data;
}
