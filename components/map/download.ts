/** Saves a blob as a file through a temporary `<a download>` (no server round trip). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** `identity-map-2026-11-02T10-15-00Z.json`: the map's own timestamp, safe in file names. */
export function exportFileName(generatedAt: string, extension: string): string {
  const stamp = generatedAt.replace(/\.\d+Z$/, 'Z').replace(/[^0-9A-Za-z-]/g, '-');
  return `identity-map-${stamp || 'export'}.${extension}`;
}
