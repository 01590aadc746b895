// `node --import register.js`: before the app's first import, `electron` is mapped to the double
// (hooks.ts), which lives beside this file.
import { register } from 'node:module';

register('./hooks.js', import.meta.url, {
  data: { electron: new URL('./electron.js', import.meta.url).href },
});
