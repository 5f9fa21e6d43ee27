// A claim value as text for messages and the claims table. Token JSON is attacker-controlled:
// JSON.parse accepts nesting thousands of levels deep (a 64 KiB token holds ~20,000 levels), but
// JSON.stringify recurses and throws a RangeError on it, which would take down whatever renders it.

/** JSON text of `value` (indented by `indent` spaces when given); a value nested too deeply for JSON.stringify is described instead. */
export function claimValueText(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? String(value);
  } catch {
    return `(${Array.isArray(value) ? 'an array' : 'an object'} nested too deeply to show)`;
  }
}
