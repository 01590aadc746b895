// deadair's layers, enforced: each folder of src/ says what it may import (VS Code's
// code-import-patterns is the model). An import is resolved to the folder it lands in (or to the
// package it names) and checked against the importing file's layer; a file under src/ that no
// layer covers is an error too, so a new folder must say where it stands.
import { dirname, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

/**
 * The layers, first match wins: `files` are path prefixes (from the repository root); `allow` are
 * path prefixes an import may resolve to, or package names (`node:*` is every Node built-in).
 */
export const LAYERS = [
  // The browser side of the observer: livekit-client in a page, nothing of Node.
  {
    name: 'observer page',
    files: ['src/observer/page.ts', 'src/observer/protocol.ts'],
    allow: ['src/shared/', 'src/observer/protocol.ts', 'livekit-client'],
  },
  { name: 'shared', files: ['src/shared/'], allow: ['src/shared/'] },
  {
    name: 'core',
    files: ['src/core/'],
    allow: ['src/core/', 'src/shared/', 'node:*', 'livekit-server-sdk', '@livekit/protocol'],
  },
  {
    name: 'observer (Node side)',
    files: ['src/observer/'],
    allow: ['src/observer/', 'src/core/', 'src/shared/', 'node:*', 'playwright-core', '@livekit/protocol'],
    deny: ['src/observer/page.ts'],
  },
  // What both shells do to the desktop without Electron: play a clip, open a URL.
  { name: 'os', files: ['src/os/'], allow: ['src/os/', 'src/core/', 'src/shared/', 'node:*'] },
  {
    name: 'cli',
    files: ['src/cli/'],
    allow: ['src/cli/', 'src/core/', 'src/shared/', 'src/observer/', 'src/os/', 'node:*', 'node-notifier'],
    deny: ['src/observer/page.ts'],
  },
  {
    name: 'main',
    files: ['src/main/'],
    allow: [
      'src/main/',
      'src/core/',
      'src/shared/',
      'src/observer/',
      'src/os/',
      'node:*',
      'electron',
      'electron-store',
    ],
    deny: ['src/observer/page.ts'],
  },
  { name: 'preload', files: ['src/preload/'], allow: ['src/preload/', 'src/shared/', 'electron'] },
  {
    name: 'renderer',
    files: ['src/renderer/'],
    allow: ['src/renderer/', 'src/shared/', 'react', 'react-dom'],
  },
];

/** What every unit test beside its source may import besides its layer's allowances. */
const TEST_ALLOW = ['vitest', 'test/support/', 'bench/generate.mjs', '@testing-library/'];

function packageOf(spec) {
  if (spec.startsWith('node:')) return 'node:*';
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function allowed(list, target) {
  return list.some((a) =>
    a.endsWith('/')
      ? target.startsWith(a)
      : target === a || (a.endsWith('/') === false && target.startsWith(a + '/')),
  );
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'each folder of src/ imports only what its layer allows' },
    schema: [],
    messages: {
      uncovered: '{{file}} is in no layer: add its folder to eslint/layers.js, saying what it may import',
      forbidden: 'the {{layer}} layer may not import {{target}} (allowed: {{allowed}})',
    },
  },
  create(context) {
    const file = relative(ROOT, context.filename).split('\\').join('/');
    if (!file.startsWith('src/')) return {};
    const layer = LAYERS.find((l) =>
      l.files.some((f) => (f.endsWith('/') ? file.startsWith(f) : file === f)),
    );
    const isTest = /\.test\.tsx?$/.test(file);
    if (!layer)
      return { Program: (node) => context.report({ node, messageId: 'uncovered', data: { file } }) };
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      let target;
      if (spec.startsWith('.')) {
        target = relative(ROOT, resolve(dirname(context.filename), spec))
          .split('\\')
          .join('/');
        // TypeScript's ESM convention: `./x.js` names `./x.ts` (or .tsx).
        target = target.replace(/\.js$/, '.ts');
      } else target = packageOf(spec);
      if (layer.deny?.some((d) => target === d || target === d.replace(/\.ts$/, '.tsx'))) {
        context.report({
          node,
          messageId: 'forbidden',
          data: { layer: layer.name, target, allowed: layer.allow.join(', ') },
        });
        return;
      }
      const list = isTest ? [...layer.allow, ...TEST_ALLOW] : layer.allow;
      if (allowed(list, target) || allowed(list, target.replace(/\.ts$/, '.tsx'))) return;
      context.report({
        node,
        messageId: 'forbidden',
        data: { layer: layer.name, target, allowed: layer.allow.join(', ') },
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule } };
