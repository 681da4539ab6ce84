/**
 * `t()` for the side panel and the background: typed to every string, the popup's and the side panel's.
 * Importing it registers the side panel's strings (lib/i18n/locale.ts explains the parts). The popup must
 * not import this module: it takes its strings from lib/i18n/popup.ts.
 */
import { type SidePanelKey, sidePanelEn } from './en';
import { registerStrings, type StringsPart, translate } from './locale';
import type { PopupKey } from './popup';

export { provideCatalogue, type StringsPart } from './locale';
export * from './popup';
export type { SidePanelKey };

/** Any UI string's key. */
export type MessageKey = PopupKey | SidePanelKey;

export const sidePanelStrings: StringsPart<SidePanelKey> = {
  en: sidePanelEn,
  zh_CN: async () => (await import('./zh_CN')).sidePanelZhCN,
};
registerStrings(sidePanelStrings);

export const t: (key: MessageKey, params?: Record<string, string | number>) => string = translate;
