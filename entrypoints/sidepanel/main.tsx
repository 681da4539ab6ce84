// Imported first, so the storage read starts before the rest of the panel's code is evaluated.
import { firstRead } from '../../components/settings/firstReadStarted';
import '../../components/theme.css';
import './sidepanel.css';
import { renderInLanguage } from '../../components/settings/LocaleRoot';
import { App } from './App';

renderInLanguage(App, document.getElementById('app') as HTMLElement, firstRead);
