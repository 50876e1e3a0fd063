import type { View } from '../../../shared/domain';

const LATERAL = new Set(['LL', 'RL', 'LAT', 'LATERAL', 'LLD', 'RLD']);

/** ViewPosition first; many CR writers leave it empty, so fall back to the descriptions. */
export function classifyView(viewPosition: string, ...descriptions: string[]): View {
  const vp = viewPosition.trim().toUpperCase();
  if (vp === 'PA' || vp === 'AP') return vp;
  if (LATERAL.has(vp)) return 'LATERAL';
  const words = descriptions
    .join(' ')
    .toUpperCase()
    .split(/[^A-Z]+/);
  if (words.includes('PA')) return 'PA';
  if (words.includes('AP')) return 'AP';
  if (words.some((w) => w === 'LAT' || w === 'LATERAL' || w === 'LL' || w === 'RL')) return 'LATERAL';
  return 'OTHER';
}
