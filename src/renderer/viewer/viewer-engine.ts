// The app's one rendering engine and tool group; viewports come and go with the viewer's panes.
import { RenderingEngine } from '@cornerstonejs/core';
import {
  Enums as ToolEnums,
  PanTool,
  RectangleROITool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';

export type PrimaryTool = 'windowLevel' | 'zoom' | 'pan';
export type Engine = { engine: RenderingEngine; toolGroup: ToolTypes.IToolGroup };

const ID = 'lightbox';
const { MouseBindings } = ToolEnums;
const toolNames: Readonly<Record<PrimaryTool, string>> = {
  windowLevel: WindowLevelTool.toolName,
  zoom: ZoomTool.toolName,
  pan: PanTool.toolName,
};

let engine: Engine | null = null;
let primary: PrimaryTool = 'windowLevel';
let editingBoxes = false;

/** The reader's boxes as rectangles: no statistics or text, only the outline and its handles. */
const boxToolConfiguration = { calculateStats: false, getTextLines: (): string[] => [] };

/** Call after Cornerstone's init; later calls return the same engine. */
export function viewerEngine(): Engine {
  if (engine) return engine;
  const toolGroup = ToolGroupManager.createToolGroup(ID);
  if (!toolGroup) throw new Error('the viewer tool group could not be created');
  for (const name of [...Object.values(toolNames), StackScrollTool.toolName]) toolGroup.addTool(name);
  toolGroup.addTool(RectangleROITool.toolName, boxToolConfiguration);
  // Radiologists' defaults: left W/L, middle pan, right zoom, wheel through the stack.
  toolGroup.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  toolGroup.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  toolGroup.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  toolGroup.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  engine = { engine: new RenderingEngine(ID), toolGroup };
  return engine;
}

export const primaryTool = (): PrimaryTool => primary;

/** Binds the left mouse button to one tool; the other bindings stay. While boxes are edited the choice waits. */
export function setPrimaryTool(to: PrimaryTool): void {
  if (to === primary) return;
  const { toolGroup } = viewerEngine();
  if (!editingBoxes) {
    toolGroup.setToolPassive(toolNames[primary]);
    toolGroup.setToolActive(toolNames[to], { bindings: [{ mouseButton: MouseBindings.Primary }] });
  }
  primary = to;
}

/** Box editing takes the left button (draw, move, resize); the middle and right keep pan and zoom. */
export function setBoxEditing(on: boolean): void {
  if (on === editingBoxes) return;
  const { toolGroup } = viewerEngine();
  const primaryBinding = { bindings: [{ mouseButton: MouseBindings.Primary }] };
  if (on) {
    toolGroup.setToolPassive(toolNames[primary]);
    toolGroup.setToolActive(RectangleROITool.toolName, primaryBinding);
  } else {
    toolGroup.setToolDisabled(RectangleROITool.toolName);
    toolGroup.setToolActive(toolNames[primary], primaryBinding);
  }
  editingBoxes = on;
}
