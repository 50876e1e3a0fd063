// Provider choice by platform, onnxruntime's list and the setting; the fallback to the CPU with a reason.
import { describe, expect, it } from 'vitest';
import {
  openWithFallback,
  providerCandidates,
} from '../../../../../src/main/services/inference/engine/execution-providers';

const linux = { platform: 'linux' as const, backends: ['cpu', 'webgpu', 'cuda', 'tensorrt'] };
const windows = { platform: 'win32' as const, backends: ['cpu', 'webgpu', 'dml', 'cuda'] };
const mac = { platform: 'darwin' as const, backends: ['cpu', 'webgpu', 'coreml'] };

describe('providerCandidates', () => {
  it('tries the platform GPU providers onnxruntime lists, then the CPU, for auto', () => {
    expect(providerCandidates('auto', linux).candidates).toEqual(['cuda', 'cpu']);
    expect(providerCandidates('auto', windows).candidates).toEqual(['cuda', 'dml', 'cpu']);
    expect(providerCandidates('auto', mac).candidates).toEqual(['coreml', 'cpu']);
    expect(providerCandidates('auto', { platform: 'linux', backends: ['cpu'] }).candidates).toEqual(['cpu']);
  });

  it('tries a requested provider before the CPU, and says why one that cannot exist is skipped', () => {
    expect(providerCandidates('cpu', windows)).toEqual({ candidates: ['cpu'], skipped: [] });
    expect(providerCandidates('dml', windows)).toEqual({ candidates: ['dml', 'cpu'], skipped: [] });
    expect(providerCandidates('dml', linux)).toEqual({
      candidates: ['cpu'],
      skipped: ['dml is not available in onnxruntime on linux'],
    });
  });
});

describe('openWithFallback', () => {
  it('falls back to the CPU with the failure and install hint as the reason', async () => {
    const tried: string[] = [];
    const { value, choice } = await openWithFallback(
      'cuda',
      async (provider) => {
        tried.push(provider);
        if (provider === 'cuda') throw new Error('Failed to load shared library\nmore detail');
        return provider;
      },
      linux,
    );
    expect(tried).toEqual(['cuda', 'cpu']);
    expect(value).toBe('cpu');
    expect(choice).toEqual({
      provider: 'cpu',
      requested: 'cuda',
      fallbackReason:
        'cuda failed: Failed to load shared library; install the CUDA provider with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci (CUDA 12 and cuDNN 9)',
    });
  });

  it('keeps a working provider without a reason, and lets a CPU failure through', async () => {
    expect((await openWithFallback('auto', async (p) => p, windows)).choice).toEqual({
      provider: 'cuda',
      requested: 'auto',
      fallbackReason: null,
    });
    await expect(
      openWithFallback('cpu', async () => Promise.reject(new Error('bad graph')), linux),
    ).rejects.toThrow('bad graph');
  });
});
