// Stylesheets are bundled by Vite (a file of their own: the page's CSP allows no inline style).
declare module '*.css';
