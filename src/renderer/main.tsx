import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { httpApi } from './http-api.js';
import './styles.css';

// In the tray app the preload gives the API; served by `deadair watch --ui`, the page's URL carries
// the key the server wants.
const key = new URLSearchParams(location.search).get('k');
const api = window.deadair ?? (key ? httpApi(key) : undefined);
const root = document.getElementById('root');
if (root) createRoot(root).render(<App api={api} />);
