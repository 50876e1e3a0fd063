import type { ViewerCommand } from './hotkeys';
import { hotkeyHelp } from './hotkeys';
import type { Preset } from './presets';
import type { PrimaryTool } from './viewer-engine';

type Props = {
  tool: PrimaryTool;
  presets: readonly Preset[];
  tagsOpen: boolean;
  onTool: (tool: PrimaryTool) => void;
  onCommand: (command: ViewerCommand) => void;
  onPreset: (preset: Preset) => void;
  onToggleTags: () => void;
};

const tools: ReadonlyArray<{ tool: PrimaryTool; label: string; key: string }> = [
  { tool: 'windowLevel', label: 'W/L', key: '' },
  { tool: 'zoom', label: 'Zoom', key: 'z' },
  { tool: 'pan', label: 'Pan', key: '' },
];

const actions: ReadonlyArray<{ label: string; title: string; command: ViewerCommand }> = [
  { label: 'Invert', title: 'Invert (i)', command: { kind: 'invert' } },
  { label: '⟲', title: 'Rotate left (l)', command: { kind: 'rotate', degrees: -90 } },
  { label: '⟳', title: 'Rotate right (r)', command: { kind: 'rotate', degrees: 90 } },
  { label: '⇋', title: 'Flip horizontally (h)', command: { kind: 'flip', axis: 'horizontal' } },
  { label: '⇵', title: 'Flip vertically (v)', command: { kind: 'flip', axis: 'vertical' } },
  { label: 'Fit', title: 'Fit to window (=)', command: { kind: 'fit' } },
  { label: 'Reset', title: 'Reset (space)', command: { kind: 'reset' } },
];

export function ViewerToolbar({ tool, presets, tagsOpen, onTool, onCommand, onPreset, onToggleTags }: Props) {
  return (
    <div
      className="toolbar"
      role="toolbar"
      aria-label="Viewer tools"
      // A clicked button keeps no focus, so space and arrows stay viewer hotkeys.
      onMouseDown={(e) => {
        if ((e.target as Element).closest('button')) e.preventDefault();
      }}
    >
      <div className="group">
        {tools.map((t) => (
          <button
            key={t.tool}
            type="button"
            aria-pressed={tool === t.tool}
            title={t.key ? `${t.label} (${t.key})` : t.label}
            onClick={() => onTool(t.tool)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <label className="group">
        <span className="muted">Window</span>
        <select
          aria-label="Window preset"
          value=""
          onChange={(e) => {
            const preset = presets.find((p) => p.id === e.target.value);
            if (preset) onPreset(preset);
            e.target.blur();
          }}
        >
          <option value="" disabled>
            Preset…
          </option>
          {presets.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label} (W {Math.round(p.window.width)} L {Math.round(p.window.center)})
            </option>
          ))}
        </select>
      </label>
      <div className="group">
        {actions.map((a) => (
          <button
            key={a.title}
            type="button"
            title={a.title}
            aria-label={a.title}
            onClick={() => onCommand(a.command)}
          >
            {a.label}
          </button>
        ))}
      </div>
      <div className="group end">
        <button type="button" aria-pressed={tagsOpen} onClick={onToggleTags}>
          Tags
        </button>
        <span className="help" tabIndex={0} title={hotkeyHelp.join('\n')}>
          ?
        </span>
      </div>
    </div>
  );
}
