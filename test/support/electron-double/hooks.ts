// Module resolution hooks (node:module register): the specifier `electron` — what the built main
// bundle imports — resolves to the double instead of the npm package (which only names a binary).
import type { InitializeHook, ResolveHook } from 'node:module';

let electron = '';

export const initialize: InitializeHook<{ electron: string }> = (data) => {
  electron = data.electron;
};

export const resolve: ResolveHook = (specifier, context, next) =>
  specifier === 'electron' || specifier === 'electron/main'
    ? { url: electron, format: 'module', shortCircuit: true }
    : next(specifier, context);
