/** `identity-map-2026-11-02T10-15-00Z.json`: the map's own timestamp, safe in file names. */
export function exportFileName(generatedAt: string, extension: string): string {
  const stamp = generatedAt.replace(/\.\d+Z$/, 'Z').replace(/[^0-9A-Za-z-]/g, '-');
  return `identity-map-${stamp || 'export'}.${extension}`;
}
