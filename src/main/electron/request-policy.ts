// Which URLs any web contents may load: the app's own scheme and in-memory data, nothing remote.
// DevTools' own pages load only in development (see dev-mode.ts).
const ALWAYS = new Set(['lightbox:', 'blob:', 'data:']);

export function isAllowedRequest(url: string, development: boolean): boolean {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    return false;
  }
  return ALWAYS.has(scheme) || (development && scheme === 'devtools:');
}
