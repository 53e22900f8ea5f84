import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../utils/i18n';
import {
  FONTS,
  FONT_SIZE,
  LINE_HEIGHT,
  LINE_WIDTH,
  THEMES,
  isAutoOpen,
  type FontFamily,
  type Settings,
  type Theme,
} from '../utils/settings';
import type { AggregatorId } from '../utils/types';
import { aggregatorName } from '../utils/runtime/aggregators';

const THEME_LABEL: Record<Theme, MessageKey> = {
  light: 'themeLight',
  sepia: 'themeSepia',
  dark: 'themeDark',
  auto: 'themeAuto',
};
const FONT_LABEL: Record<FontFamily, MessageKey> = { serif: 'fontSerif', sans: 'fontSans' };

export interface ReaderSettingsProps {
  settings: Settings;
  aggregator: AggregatorId | null;
  onChange(patch: Partial<Settings>): void;
}

/** The typography / theme controls (data-testid reader-settings): a button and its panel. */
export function ReaderSettings({ settings, aggregator, onChange }: ReaderSettingsProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const name = useId();

  useEffect(() => {
    if (open) panelRef.current?.querySelector<HTMLElement>('input:checked, input, button')?.focus();
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      // Esc closes the panel first, not the whole reader
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      toggleRef.current?.focus();
    }
  };

  const range = (
    label: MessageKey,
    key: 'fontSize' | 'lineWidth' | 'lineHeight',
    spec: { min: number; max: number; step: number },
    shown: string,
  ) => {
    const id = `${panelId}-${key}`;
    return (
      <div class="setting-range">
        <label for={id}>{t(label)}</label>
        <input
          id={id}
          type="range"
          min={spec.min}
          max={spec.max}
          step={spec.step}
          value={settings[key]}
          aria-valuetext={shown}
          onInput={(e) => onChange({ [key]: Number((e.currentTarget as HTMLInputElement).value) })}
        />
        <output for={id}>{shown}</output>
      </div>
    );
  };

  const aggregatorLabel = aggregatorName(aggregator);

  return (
    <div class="settings" data-testid="reader-settings" onKeyDown={onKeyDown}>
      <button
        ref={toggleRef}
        type="button"
        class="tool settings-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('settingsToggleLabel')}
        title={t('settingsToggleLabel')}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">{t('settingsToggle')}</span>
      </button>
      <div
        id={panelId}
        ref={panelRef}
        class="settings-panel"
        role="group"
        aria-label={t('settingsToggleLabel')}
        hidden={!open}
      >
        <fieldset>
          <legend>{t('settingsTheme')}</legend>
          <div class="choices">
            {THEMES.map((theme) => (
              <label class={`choice theme-swatch theme-${theme}`} key={theme}>
                <input
                  type="radio"
                  name={`${name}-theme`}
                  value={theme}
                  checked={settings.theme === theme}
                  onChange={() => onChange({ theme })}
                />
                <span>{t(THEME_LABEL[theme])}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('settingsFont')}</legend>
          <div class="choices">
            {FONTS.map((font) => (
              <label class={`choice font-${font}`} key={font}>
                <input
                  type="radio"
                  name={`${name}-font`}
                  value={font}
                  checked={settings.font === font}
                  onChange={() => onChange({ font })}
                />
                <span>{t(FONT_LABEL[font])}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {range('settingsFontSize', 'fontSize', FONT_SIZE, `${settings.fontSize}px`)}
        {range('settingsLineWidth', 'lineWidth', LINE_WIDTH, `${settings.lineWidth}em`)}
        {range('settingsLineHeight', 'lineHeight', LINE_HEIGHT, settings.lineHeight.toFixed(1))}
        {aggregator && aggregatorLabel ? (
          <label class="setting-check">
            <input
              type="checkbox"
              checked={isAutoOpen(settings, aggregator)}
              onChange={(e) =>
                onChange({ autoOpen: { [aggregator]: (e.currentTarget as HTMLInputElement).checked } })
              }
            />
            <span>{t('settingsAutoOpen', aggregatorLabel)}</span>
          </label>
        ) : null}
      </div>
    </div>
  );
}
