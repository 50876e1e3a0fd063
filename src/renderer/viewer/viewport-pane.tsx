// One Cornerstone stack viewport in a React element, with its overlay.
import { useEffect, useRef, useState } from 'react';
import { Enums, eventTarget, type StackViewport } from '@cornerstonejs/core';
import type { Study } from '../../shared/domain';
import { useBoxAnnotations, type BoxEditing } from '../findings/box-annotations';
import { BoxOverlay, type OverlayFinding } from '../findings/box-overlay';
import type { Engine } from './viewer-engine';
import type { StackEntry, ViewportStack } from './pick-views';
import { readViewportState, type ViewportState } from './viewport-state';
import { ViewportOverlay } from './viewport-overlay';
import { photometricInverter } from './photometric-invert';

type Props = {
  engine: Engine;
  viewportId: string;
  stack: ViewportStack;
  study: Study;
  seriesLabel: string;
  active: boolean;
  onActivate: () => void;
  onImageChange: (entry: StackEntry) => void;
  boxes: FindingBoxes | null;
};

/** The findings' boxes, drawn over the image they belong to when this pane shows it. */
export type FindingBoxes = {
  instanceId: string;
  findings: readonly OverlayFinding[];
  highlighted: string | null;
  selected: string | null;
  onHover: (findingId: string | null) => void;
  /** Set while the reader edits the boxes on the image; Cornerstone's annotations draw them then. */
  editing: BoxEditing | null;
};

type LoadError = { imageId?: string; error?: { message?: string; status?: number } };

const describeLoadError = (detail: LoadError): string =>
  detail.error?.message ??
  (detail.error?.status ? `the image server answered ${detail.error.status}` : 'unknown error');

const refreshEvents = [Enums.Events.IMAGE_RENDERED, Enums.Events.VOI_MODIFIED, Enums.Events.CAMERA_MODIFIED];

export function ViewportPane({
  engine,
  viewportId,
  stack,
  study,
  seriesLabel,
  active,
  onActivate,
  onImageChange,
  boxes,
}: Props) {
  const element = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ViewportState | null>(null);
  const [error, setError] = useState<{ message: string; index: number } | null>(null);
  // Set on the first IMAGE_RENDERED with an image: empty frames and camera events come earlier.
  const [rendered, setRendered] = useState(false);
  const onImageChangeRef = useRef(onImageChange);
  useEffect(() => {
    onImageChangeRef.current = onImageChange;
  });

  useEffect(() => {
    const el = element.current;
    if (!el) return;
    engine.engine.enableElement({
      viewportId,
      type: Enums.ViewportType.STACK,
      element: el,
      defaultOptions: { background: [0, 0, 0] },
    });
    engine.toolGroup.addViewport(viewportId, engine.engine.id);
    const viewport = engine.engine.getViewport(viewportId) as StackViewport;
    const refresh = () => setState(readViewportState(viewport));
    const drawn = () => setRendered(viewport.getCornerstoneImage() !== undefined);
    const keepPhotometric = photometricInverter(viewport);
    const newImage = () => {
      setError(null);
      keepPhotometric();
      const entry = stack.entries[viewport.getCurrentImageIdIndex()];
      if (entry) onImageChangeRef.current(entry);
    };
    // Load errors are announced globally, not on the element.
    const loadError = (event: Event) => {
      const detail = (event as CustomEvent<LoadError>).detail;
      const index = stack.entries.findIndex((e) => e.imageId === detail.imageId);
      // Only the image the user asked for: prefetches and thumbnails fail elsewhere.
      if (index >= 0 && index === viewport.getTargetImageIdIndex()) {
        setError({ message: describeLoadError(detail), index });
      }
    };
    eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, loadError);
    for (const name of refreshEvents) el.addEventListener(name, refresh);
    el.addEventListener(Enums.Events.IMAGE_RENDERED, drawn);
    el.addEventListener(Enums.Events.STACK_NEW_IMAGE, newImage);
    // Keep the image fitted while the layout changes size (window, panels).
    const resize = new ResizeObserver(() => engine.engine.resize(true, true));
    resize.observe(el);
    viewport
      .setStack(
        stack.entries.map((e) => e.imageId),
        stack.initialIndex,
      )
      .then(
        () => {
          viewport.render();
          newImage();
        },
        (e: unknown) =>
          setError({
            message: e instanceof Error ? e.message : 'the image could not be loaded',
            index: stack.initialIndex,
          }),
      );
    return () => {
      resize.disconnect();
      eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, loadError);
      for (const name of refreshEvents) el.removeEventListener(name, refresh);
      el.removeEventListener(Enums.Events.IMAGE_RENDERED, drawn);
      el.removeEventListener(Enums.Events.STACK_NEW_IMAGE, newImage);
      engine.toolGroup.removeViewports(engine.engine.id, viewportId);
      engine.engine.disableElement(viewportId);
    };
  }, [engine, viewportId, stack]);

  const shownInstanceId = state ? stack.entries[state.index]?.instanceId : undefined;
  const viewport =
    boxes && rendered && shownInstanceId === boxes.instanceId
      ? (engine.engine.getViewport(viewportId) as StackViewport | undefined)
      : undefined;
  const editing = viewport ? (boxes?.editing ?? null) : null;
  useBoxAnnotations(viewport, editing);

  return (
    <div
      className={`viewport-pane${active ? ' active' : ''}`}
      data-testid="viewport"
      data-active={active}
      data-rendered={rendered && error === null}
      data-error-index={error?.index ?? ''}
      data-invert={state?.invert ?? false}
      data-rotation={state?.rotation ?? 0}
      data-flip-h={state?.flipHorizontal ?? false}
      data-scale={state ? state.scale.toFixed(3) : ''}
      data-image-index={state?.index ?? ''}
      data-instance-id={state ? (stack.entries[state.index]?.instanceId ?? '') : ''}
      data-editing-boxes={editing !== null}
      data-window={
        state?.window ? `${Math.round(state.window.width)}/${Math.round(state.window.center)}` : ''
      }
      onPointerDownCapture={onActivate}
      onContextMenu={(e) => e.preventDefault()}
    >
      <div ref={element} className="viewport-element" />
      {viewport && boxes && !editing && (
        <BoxOverlay
          viewport={viewport}
          findings={boxes.findings}
          highlighted={boxes.highlighted}
          selected={boxes.selected}
          onHover={boxes.onHover}
        />
      )}
      <ViewportOverlay study={study} seriesLabel={seriesLabel} state={state} />
      {error && <div className="viewport-error">Could not display this image: {error.message}</div>}
    </div>
  );
}
