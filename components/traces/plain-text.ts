import { escapeControlChars, maskSecrets } from '@/lib/traces/mask';

/** A short log-derived value (service name, error text) as safe one-line text: masked, controls escaped. */
export function plainText(value: string): string {
  return escapeControlChars(maskSecrets(value).text);
}
