// What the app's main process and the render thread say to each other.
import type { RenderOptions } from './render-file';
import type { PngRendition } from './render-png';

export type RenderRequest = { id: number; bytes: Uint8Array; options: RenderOptions };

export type RenderReply = { id: number } & (({ ok: true } & PngRendition) | { ok: false; error: string });
