// A study on screen: series thumbnails, frontal and lateral side by side, tools and tags.
import { useState } from 'react';
import type { StackViewport } from '@cornerstonejs/core';
import type { Series, Study } from '../../shared/domain';
import type { Role } from '../../shared/reading';
import { ReportPanel } from '../report/report-panel';
import { useReadingHotkeys } from '../report/use-reading-hotkeys';
import { useReadingSession } from '../report/use-reading-session';
import type { ViewerCommand } from './hotkeys';
import { applyCommand, applyWindow } from './viewer-commands';
import { presetsForImage } from './image-presets';
import { pickViews, stackForSeries, type StackEntry, type ViewportStack } from './pick-views';
import type { Preset } from './presets';
import { SeriesThumbnails, seriesLabel } from './series-thumbnails';
import { TagBrowser } from './tag-browser/tag-browser';
import { useHotkeys } from './use-hotkeys';
import { primaryTool, setPrimaryTool, viewerEngine, type PrimaryTool } from './viewer-engine';
import { ViewerToolbar } from './viewer-toolbar';
import { ViewportPane, type FindingBoxes } from './viewport-pane';
import './viewer.css';

type Props = { study: Study; imageBaseUrl: string; role: Role | null };

const viewportId = (i: number): string => `viewport-${i}`;

export function ViewerPage({ study, imageBaseUrl, role }: Props) {
  const engine = viewerEngine();
  const [stacks, setStacks] = useState<ViewportStack[]>(() => pickViews(study, imageBaseUrl));
  const [active, setActive] = useState(0);
  const [shown, setShown] = useState<Record<number, StackEntry>>({});
  const [tool, setTool] = useState<PrimaryTool>(primaryTool);
  const [tagsOpen, setTagsOpen] = useState(false);
  const session = useReadingSession(study, role);
  const { draft } = session;

  const activeViewport = (): StackViewport | undefined =>
    engine.engine.getViewport(viewportId(active)) as StackViewport | undefined;

  const chooseTool = (next: PrimaryTool) => {
    setPrimaryTool(next);
    setTool(next);
  };

  const dispatch = (command: ViewerCommand) => {
    if (command.kind === 'viewport') {
      if (stacks.length > 0) setActive((a) => (a + command.step + stacks.length) % stacks.length);
    } else if (command.kind === 'draft') {
      if (!draft.view.running) draft.start();
    } else if (command.kind === 'toggle-zoom-tool') {
      chooseTool(tool === 'zoom' ? 'windowLevel' : 'zoom');
    } else {
      const viewport = activeViewport();
      if (viewport) applyCommand(viewport, command);
    }
  };
  useHotkeys(dispatch);
  useReadingHotkeys(session.command);

  const showSeries = (series: Series) =>
    setStacks((current) => current.map((s, i) => (i === active ? stackForSeries(imageBaseUrl, series) : s)));

  const onPreset = (preset: Preset) => {
    const viewport = activeViewport();
    if (viewport) applyWindow(viewport, preset.window);
  };

  const activeEntry = shown[active];
  const activeImage = activeEntry ? activeViewport()?.getCornerstoneImage() : undefined;
  const presets = activeImage ? presetsForImage(activeImage) : [];
  const seriesById = new Map(study.series.map((s) => [s.id, s]));
  const boxes: FindingBoxes | null = session.boxes && {
    ...session.boxes,
    highlighted: session.hovered,
    selected: session.selected,
    onHover: session.hover,
  };

  return (
    <div className="viewer">
      <ViewerToolbar
        tool={tool}
        presets={presets}
        tagsOpen={tagsOpen}
        onTool={chooseTool}
        onCommand={dispatch}
        onPreset={onPreset}
        onToggleTags={() => setTagsOpen((o) => !o)}
      />
      <div className="viewer-body">
        <SeriesThumbnails
          series={study.series}
          imageBaseUrl={imageBaseUrl}
          shownSeriesIds={stacks.map((s) => s.seriesId)}
          onSelect={showSeries}
        />
        <main className={`viewport-grid count-${stacks.length}`}>
          {stacks.map((stack, i) => {
            const series = seriesById.get(stack.seriesId);
            return (
              <ViewportPane
                key={`${i}-${stack.seriesId}`}
                engine={engine}
                viewportId={viewportId(i)}
                stack={stack}
                study={study}
                seriesLabel={series ? seriesLabel(series) : ''}
                active={i === active}
                onActivate={() => setActive(i)}
                onImageChange={(entry) => setShown((s) => ({ ...s, [i]: entry }))}
                boxes={boxes}
              />
            );
          })}
          {stacks.length === 0 && <p className="muted">This study has no images.</p>}
        </main>
        {tagsOpen && <TagBrowser instanceId={activeEntry?.instanceId ?? null} />}
        <ReportPanel session={session} />
      </div>
    </div>
  );
}
