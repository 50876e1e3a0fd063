// Which onnxruntime execution provider runs the model: CUDA (Linux, Windows), DirectML (Windows), CoreML
// (macOS) or the CPU, from what this onnxruntime build lists and the user's setting. A GPU provider can
// be listed yet unusable (on Linux the CUDA libraries are not in the npm package: install with
// ONNXRUNTIME_NODE_INSTALL=cuda12, which needs CUDA 12 and cuDNN 9), or fail on the first run; then the
// CPU takes over and the reason is kept for the user to see.
import { listSupportedBackends } from 'onnxruntime-node';
import type { ExecutionProvider, ProviderChoice, ProviderSetting } from '../../../../shared/draft';

/** Preferred first, per platform; the CPU is always last. */
const PREFERENCE: Partial<Record<NodeJS.Platform, ExecutionProvider[]>> = {
  linux: ['cuda'],
  win32: ['cuda', 'dml'],
  darwin: ['coreml'],
};

const INSTALL_HINT: Partial<Record<ExecutionProvider, string>> = {
  cuda: 'install the CUDA provider with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci (CUDA 12 and cuDNN 9)',
};

export type Platform = { platform: NodeJS.Platform; backends: readonly string[] };

export function currentPlatform(): Platform {
  return { platform: process.platform, backends: listSupportedBackends().map((b) => b.name) };
}

/** Providers to try in order, each with why it was passed over when it cannot even be tried. */
export function providerCandidates(
  setting: ProviderSetting,
  { platform, backends }: Platform,
): { candidates: ExecutionProvider[]; skipped: string[] } {
  const usable = (p: ExecutionProvider) => (PREFERENCE[platform] ?? []).includes(p) && backends.includes(p);
  if (setting === 'cpu') return { candidates: ['cpu'], skipped: [] };
  if (setting === 'auto')
    return { candidates: [...(PREFERENCE[platform] ?? []).filter(usable), 'cpu'], skipped: [] };
  if (usable(setting)) return { candidates: [setting, 'cpu'], skipped: [] };
  return { candidates: ['cpu'], skipped: [`${setting} is not available in onnxruntime on ${platform}`] };
}

function reasonFor(provider: ExecutionProvider, err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
  const hint = INSTALL_HINT[provider];
  return `${provider} failed: ${message}${hint ? `; ${hint}` : ''}`;
}

/**
 * Opens with the first provider that works. `open` must create the sessions and run them once, so that a
 * provider failing at its first run falls back too; it releases what it made before throwing.
 */
export async function openWithFallback<T>(
  setting: ProviderSetting,
  open: (provider: ExecutionProvider) => Promise<T>,
  platform: Platform = currentPlatform(),
): Promise<{ value: T; choice: ProviderChoice }> {
  const { candidates, skipped } = providerCandidates(setting, platform);
  const reasons = [...skipped];
  for (const provider of candidates.filter((p) => p !== 'cpu')) {
    try {
      return { value: await open(provider), choice: { provider, requested: setting, fallbackReason: null } };
    } catch (err) {
      reasons.push(reasonFor(provider, err));
    }
  }
  // Auto taking the CPU on a machine with no GPU provider listed is no fallback: no reason then.
  const fallbackReason = reasons.length > 0 ? reasons.join('; ') : null;
  return { value: await open('cpu'), choice: { provider: 'cpu', requested: setting, fallbackReason } };
}
