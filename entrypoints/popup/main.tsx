import '../../components/theme.css';
import './popup.css';
import { renderInLanguage } from '../../components/settings/LocaleRoot';
import { App } from './App';

renderInLanguage(App, document.getElementById('app') as HTMLElement);
