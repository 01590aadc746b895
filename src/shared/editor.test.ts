import { describe, expect, it } from 'vitest';
import { editorFromEnv, editorLink, isEditorLink } from './editor.js';

describe('open in editor', () => {
  it('knows the editor from DEADAIR_EDITOR, else $VISUAL or $EDITOR when it is one a page can open', () => {
    expect(editorFromEnv({ DEADAIR_EDITOR: 'Zed', VISUAL: 'code' })).toBe('zed');
    expect(editorFromEnv({ DEADAIR_EDITOR: 'none', VISUAL: 'code' })).toBeUndefined();
    expect(editorFromEnv({ VISUAL: '/usr/bin/code --wait' })).toBe('vscode');
    expect(editorFromEnv({ EDITOR: 'cursor -w' })).toBe('cursor');
    expect(editorFromEnv({ EDITOR: 'vim' })).toBeUndefined();
    expect(editorFromEnv({})).toBeUndefined();
  });
  it('builds the link of a file and line, for absolute paths only', () => {
    expect(editorLink('vscode', '/home/dev/agent logs/a.log', 42)).toBe(
      'vscode://file/home/dev/agent%20logs/a.log:42',
    );
    expect(editorLink('cursor', '/a#b?.log', 1)).toBe('cursor://file/a%23b%3F.log:1');
    expect(editorLink('zed', 'C:\\logs\\a.log', 3)).toBe('zed://file/C:/logs/a.log:3');
    expect(editorLink('idea', '/a.log', 7)).toBe('idea://open?file=%2Fa.log&line=7');
    expect(editorLink('vscode', 'relative.log', 1)).toBeUndefined();
    expect(editorLink('vscode', '/a.log', 0)).toBeUndefined();
  });
  it('recognises its own links, and nothing else', () => {
    for (const l of ['vscode://file/a.log:1', 'idea://open?file=%2Fa&line=1'])
      expect(isEditorLink(l)).toBe(true);
    for (const l of ['vscode://extension/x', 'javascript:alert(1)', 'file:///etc/passwd', 'http://x'])
      expect(isEditorLink(l)).toBe(false);
  });
});
