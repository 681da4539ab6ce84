import { render } from 'preact';

render(<p>Companion for Sora</p>, document.getElementById('app') as HTMLElement);
