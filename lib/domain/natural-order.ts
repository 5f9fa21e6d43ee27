/**
 * Text order with numbers compared as numbers (ns-2 before ns-10, fic-50 before fic-100), the
 * order the map's filters, table and graph share; ties (e.g. "a01" and "a1") in code-unit order,
 * so sorting stays deterministic.
 */
const collator = new Intl.Collator('en', { numeric: true });

export function naturalOrder(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
