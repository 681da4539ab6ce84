import type { ComponentType } from 'preact';
import type { SidePanelKey } from '../../lib/i18n';
import { CreateView } from '../create/CreateView';

export type View = 'create' | 'storyboard' | 'queue' | 'history' | 'characters' | 'account';

/** What a view may ask of the panel: to bring another view forward. */
export interface ViewProps {
  show(view: View): void;
}

export interface ViewEntry {
  id: View;
  label: SidePanelKey;
  /**
   * The view's component. Every view but Create is its own chunk (code and styles), fetched the first
   * time the view is opened or when the panel is idle, whichever comes first. Create is in the panel's
   * entry: the panel always opens on it (and a "Remix this" brings it forward), so splitting it off would
   * only add a round trip before the first paint.
   */
  load(): Promise<ComponentType<ViewProps>>;
}

const create: ComponentType<ViewProps> = ({ show }) => <CreateView onShowQueue={() => show('queue')} />;

export const VIEWS: readonly ViewEntry[] = [
  { id: 'create', label: 'nav.create', load: () => Promise.resolve(create) },
  {
    id: 'storyboard',
    label: 'nav.storyboard',
    load: () =>
      import('../storyboard/StoryboardView').then(({ StoryboardView }) => ({ show }: ViewProps) => (
        <StoryboardView onShowQueue={() => show('queue')} />
      )),
  },
  {
    id: 'queue',
    label: 'nav.queue',
    load: () =>
      import('../queue/QueueView').then(({ QueueView }) => () => <QueueView />),
  },
  {
    id: 'history',
    label: 'nav.history',
    load: () =>
      import('../history/HistoryView').then(({ HistoryView }) => ({ show }: ViewProps) => (
        <HistoryView onShowCreate={() => show('create')} />
      )),
  },
  {
    id: 'characters',
    label: 'nav.characters',
    load: () =>
      import('../characters/CharactersView').then(({ CharactersView }) => ({ show }: ViewProps) => (
        <CharactersView onShowCreate={() => show('create')} />
      )),
  },
  {
    id: 'account',
    label: 'nav.account',
    load: () =>
      import('../account/AccountView').then(({ AccountView }) => () => <AccountView />),
  },
];

/** The view the panel opens on: it is in the entry, so it is there with the first render. */
export const FIRST_VIEW: View = 'create';
export const FIRST_VIEW_COMPONENT = create;
