// Editing the reading's boxes on the image with Cornerstone's RectangleROI tool. While it is on, each
// box is an annotation named by the box's id, placed from image pixels through the image's world
// coordinates, so the viewport's own mapping keeps it on the anatomy through zoom, pan, rotation and
// flip. Moving or resizing one sends box.update, drawing one sends a new box; main's answer is drawn
// back the same way, so undo and the edits of other windows show on the image too.
import { useEffect, useReducer, useRef } from 'react';
import { eventTarget, utilities, type StackViewport, type Types } from '@cornerstonejs/core';
import {
  annotation as annotationApi,
  Enums as ToolEnums,
  RectangleROITool,
  state as toolState,
  utilities as toolUtilities,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import type { Box } from '../../shared/draft';
import type { ReadingFinding } from '../../shared/reading';
import { newId } from '../report/reading-edits';
import { setBoxEditing } from '../viewer/viewer-engine';
import { boxAround, rectangleHandles, sameBox, type Point } from './box-geometry';

const TOOL = RectangleROITool.toolName;
const { Events, ChangeTypes } = ToolEnums;
const COLOR = 'rgb(232, 182, 76)';
const SELECTED_COLOR = 'rgb(255, 243, 107)';

export type BoxEditing = {
  /** The findings whose boxes can be edited (rejected ones are left out). */
  findings: readonly ReadingFinding[];
  selectedFindingId: string | null;
  /** Each resolves once main has answered, whether it took the edit. */
  onUpdate(boxId: string, box: Box): Promise<boolean>;
  onDraw(boxId: string, box: Box): Promise<boolean>;
  onSelectBox(boxId: string): void;
};

type Target = { box: Box; selected: boolean };

const ourAnnotations = (): ToolTypes.Annotation[] =>
  annotationApi.state.getAllAnnotations().filter((a) => a.metadata?.toolName === TOOL);

/** The box a rectangle annotation outlines, in image pixels of the image it was drawn on. */
function boxOf(annotation: ToolTypes.Annotation, viewport: StackViewport): Box | null {
  const imageId = annotation.metadata?.referencedImageId;
  const image = viewport.getCornerstoneImage();
  const points = annotation.data.handles?.points;
  if (!imageId || !image || !points) return null;
  const pixels: Point[] = [];
  for (const world of points) {
    const p = utilities.worldToImageCoords(imageId, world);
    if (!p) return null;
    pixels.push([p[0], p[1]]);
  }
  return boxAround(pixels, image);
}

function worldHandles(imageId: string, box: Box): Types.Point3[] | null {
  const points: Types.Point3[] = [];
  for (const [x, y] of rectangleHandles(box)) {
    const world = utilities.imageToWorldCoords(imageId, [x, y]);
    if (!world) return null;
    points.push(world);
  }
  return points;
}

function newAnnotation(viewport: StackViewport, uid: string, points: Types.Point3[]): ToolTypes.Annotation {
  const { viewPlaneNormal, viewUp } = viewport.getCamera();
  return {
    annotationUID: uid,
    highlighted: false,
    invalidated: false,
    isLocked: false,
    isVisible: true,
    metadata: {
      toolName: TOOL,
      referencedImageId: viewport.getCurrentImageId(),
      FrameOfReferenceUID: viewport.getFrameOfReferenceUID(),
      viewPlaneNormal,
      viewUp,
    },
    data: { handles: { points, activeHandleIndex: null }, label: '', cachedStats: {} },
  };
}

/** Makes the annotations on the viewport's image what the targets say; the ones in `hold` stay as drawn. */
function reconcile(viewport: StackViewport, targets: Map<string, Target>, hold: ReadonlySet<string>): void {
  const imageId = viewport.getCurrentImageId();
  let changed = false;
  const seen = new Set<string>();
  for (const annotation of ourAnnotations()) {
    const uid = annotation.annotationUID ?? '';
    const target = targets.get(uid);
    if (!target || annotation.metadata?.referencedImageId !== imageId) {
      if (hold.has(uid)) continue;
      annotationApi.state.removeAnnotation(uid);
      changed = true;
      continue;
    }
    seen.add(uid);
    const shown = boxOf(annotation, viewport);
    if (!hold.has(uid) && (!shown || !sameBox(shown, target.box))) {
      const points = worldHandles(imageId, target.box);
      if (points && annotation.data.handles) {
        annotation.data.handles.points = points;
        changed = true;
      }
    }
    changed = style(uid, target.selected) || changed;
  }
  for (const [uid, target] of targets) {
    if (seen.has(uid)) continue;
    const points = worldHandles(imageId, target.box);
    if (!points) continue;
    annotationApi.state.addAnnotation(newAnnotation(viewport, uid, points), viewport.element);
    style(uid, target.selected);
    changed = true;
  }
  if (changed) toolUtilities.triggerAnnotationRenderForViewportIds([viewport.id]);
}

/** The selected finding's boxes stand out; returns whether the style changed. */
function style(uid: string, selected: boolean): boolean {
  const color = selected ? SELECTED_COLOR : COLOR;
  const styles = annotationApi.config.style;
  if (styles.getAnnotationToolStyles(uid)?.color === color) return false;
  styles.setAnnotationStyles(uid, { color, lineWidth: selected ? 3 : 2 });
  return true;
}

function removeAll(): void {
  for (const annotation of ourAnnotations())
    if (annotation.annotationUID) annotationApi.state.removeAnnotation(annotation.annotationUID);
  annotationApi.selection.deselectAnnotation();
}

/** The box selected on the image (clicked last), if it is one of the reading's. */
export function selectedBoxId(): string | null {
  return annotationApi.selection.getAnnotationsSelectedByToolName(TOOL).at(-1) ?? null;
}

/**
 * Edits the boxes on `viewport` (the pane showing the reading's image) while `editing` is set. Boxes
 * sent to main are drawn where the reader left them until main answers.
 */
export function useBoxAnnotations(viewport: StackViewport | undefined, editing: BoxEditing | null): void {
  const active = viewport !== undefined && editing !== null;
  const latest = useRef(editing);
  /** Boxes moved or drawn whose edit main has not answered yet. */
  const pending = useRef(new Map<string, Box>());
  /** Annotations moved by the reader since the mouse went down, not yet sent. */
  const moved = useRef(new Set<string>());
  const [, settled] = useReducer((n: number) => n + 1, 0);

  useEffect(() => {
    latest.current = editing;
  });

  useEffect(() => {
    if (!active) return;
    setBoxEditing(true);
    return () => {
      setBoxEditing(false);
      removeAll();
    };
  }, [active]);

  useEffect(() => {
    if (!viewport || !active) return;
    const boxIds = () => new Set(latest.current?.findings.flatMap((f) => f.boxes.map((b) => b.id)) ?? []);
    const storedBox = (uid: string): Box | undefined =>
      latest.current?.findings.flatMap((f) => f.boxes).find((b) => b.id === uid);
    const send = (uid: string, box: Box, edit: (id: string, box: Box) => Promise<boolean>) => {
      pending.current.set(uid, box);
      void edit(uid, box).finally(() => {
        pending.current.delete(uid);
        settled();
      });
    };

    const onModified = (evt: Event) => {
      const { annotation, changeType } = (evt as ToolTypes.EventTypes.AnnotationModifiedEventType).detail;
      if (annotation.metadata?.toolName !== TOOL || changeType !== ChangeTypes.HandlesUpdated) return;
      if (annotation.annotationUID && boxIds().has(annotation.annotationUID))
        moved.current.add(annotation.annotationUID);
    };
    // After the tool's own mouse-up has ended the drag. A drag quicker than Cornerstone's click delay
    // (200 ms) ends with MOUSE_CLICK instead of MOUSE_UP; the tool ends its drag on both.
    const onMouseUp = () =>
      setTimeout(() => {
        const editingNow = latest.current;
        for (const uid of moved.current) {
          const annotation = annotationApi.state.getAnnotation(uid);
          const box = annotation ? boxOf(annotation, viewport) : null;
          const stored = storedBox(uid);
          if (editingNow && box && stored && !sameBox(box, stored)) send(uid, box, editingNow.onUpdate);
        }
        moved.current.clear();
        settled();
      });
    const onCompleted = (evt: Event) => {
      const { annotation } = (evt as ToolTypes.EventTypes.AnnotationCompletedEventType).detail;
      const uid = annotation.annotationUID;
      if (annotation.metadata?.toolName !== TOOL || !uid || boxIds().has(uid)) return;
      // The drawing becomes a box with an id of ours, drawn from the pending edit from now on.
      const onImage = annotation.metadata?.referencedImageId === viewport.getCurrentImageId();
      const box = onImage ? boxOf(annotation, viewport) : null;
      annotationApi.state.removeAnnotation(uid);
      const editingNow = latest.current;
      if (box && editingNow) send(newId(), box, editingNow.onDraw);
      settled();
    };
    const onSelection = (evt: Event) => {
      const { selection } = (evt as ToolTypes.EventTypes.AnnotationSelectionChangeEventType).detail;
      const uid = selection.at(-1);
      if (uid && boxIds().has(uid)) latest.current?.onSelectBox(uid);
    };

    eventTarget.addEventListener(Events.ANNOTATION_MODIFIED, onModified);
    eventTarget.addEventListener(Events.ANNOTATION_COMPLETED, onCompleted);
    eventTarget.addEventListener(Events.ANNOTATION_SELECTION_CHANGE, onSelection);
    for (const name of [Events.MOUSE_UP, Events.MOUSE_CLICK])
      viewport.element.addEventListener(name, onMouseUp);
    return () => {
      eventTarget.removeEventListener(Events.ANNOTATION_MODIFIED, onModified);
      eventTarget.removeEventListener(Events.ANNOTATION_COMPLETED, onCompleted);
      eventTarget.removeEventListener(Events.ANNOTATION_SELECTION_CHANGE, onSelection);
      for (const name of [Events.MOUSE_UP, Events.MOUSE_CLICK])
        viewport.element.removeEventListener(name, onMouseUp);
    };
  }, [viewport, active]);

  // After every render: the pane renders on each camera change, and on each new reading.
  useEffect(() => {
    if (!viewport || !editing || toolState.isInteractingWithTool) return;
    const targets = new Map<string, Target>();
    for (const finding of editing.findings)
      for (const box of finding.boxes)
        targets.set(box.id, { box, selected: finding.id === editing.selectedFindingId });
    for (const [uid, box] of pending.current)
      targets.set(uid, { box, selected: targets.get(uid)?.selected ?? false });
    reconcile(viewport, targets, moved.current);
  });
}
