import { type ComponentType, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  isLocaleLoaded,
  type LocaleSetting,
  loadLocale,
  preloadBrowserLocale,
  setLocale,
  t,
} from '../../lib/i18n/popup';
import { onLanguageChanged } from '../../lib/language-setting';
import { useAccount } from '../../lib/stores/account';
import type { FirstRead } from './firstRead';

/**
 * Keeps the page in the language the settings ask for. `t()` reads a module-level locale, so switching it
 * is not enough: this component re-renders the whole app when the setting changes (in this page or any
 * other open one), which re-runs every `t()` while keeping the app's own state.
 */
export function LocaleRoot({ app: App, initial }: { app: ComponentType; initial: LocaleSetting }) {
  const [language, setLanguage] = useState(initial);
  const [, setLoaded] = useState(0);
  useEffect(() => onLanguageChanged(setLanguage), []);
  // Before the children render, so they are drawn in the new language in the same pass; a language not
  // loaded yet is fetched first and the page re-renders once it is there.
  if (isLocaleLoaded(language)) setLocale(language);
  else void loadLocale(language).then(() => setLoaded((n) => n + 1));
  // The static <title> of the HTML is English; the window / tab title should follow the language too.
  useEffect(() => {
    document.title = t('app.name');
  });
  return <App />;
}

/**
 * Renders `App` once the language setting is applied, so a page never flashes in the other language. The
 * cached account snapshot comes in the same storage read, so the first paint already shows the figures.
 * `read` is that read, started by the page before its other code (firstReadStarted.ts).
 */
export function renderInLanguage(App: ComponentType, root: HTMLElement, read: Promise<FirstRead>): void {
  preloadBrowserLocale();
  void read
    .then(({ language, cached }) => {
      if (cached && !useAccount.getState().snapshot) useAccount.setState({ snapshot: cached });
      return language;
    })
    .then(async (language) => {
      await loadLocale(language);
      render(<LocaleRoot app={App} initial={language} />, root);
    });
}
