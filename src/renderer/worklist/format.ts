// Display formatting for DICOM values in the worklist and overlays.

/** DICOM PN "Family^Given^Middle" as "Family, Given Middle". */
export function formatPersonName(pn: string): string {
  const [family = '', ...rest] = pn.split('=')[0]?.split('^') ?? [];
  const given = rest.filter(Boolean).join(' ');
  return given ? `${family}, ${given}` : family;
}

export const formatDate = (isoDate: string): string => isoDate || '—';

export const formatViews = (views: readonly string[]): string =>
  views.length ? views.map((v) => (v === 'LATERAL' ? 'LAT' : v)).join(' + ') : '—';
