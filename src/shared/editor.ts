// "Open in editor" for a log line: the editors a browser or the tray can hand a file and line to
// through their URL schemes. Which one the user has comes from the environment — DEADAIR_EDITOR,
// else $VISUAL / $EDITOR naming one of them (a terminal editor cannot be opened from a page).

export const EDITORS = ['vscode', 'cursor', 'zed', 'idea'] as const;
export type EditorId = (typeof EDITORS)[number];

export const EDITOR_NAMES: Record<EditorId, string> = {
  vscode: 'VS Code',
  cursor: 'Cursor',
  zed: 'Zed',
  idea: 'IntelliJ IDEA',
};

/** The command names each editor is started by. */
const COMMANDS: Record<string, EditorId> = {
  code: 'vscode',
  'code-insiders': 'vscode',
  codium: 'vscode',
  cursor: 'cursor',
  zed: 'zed',
  zeditor: 'zed',
  idea: 'idea',
  'idea.sh': 'idea',
};

export function editorFromEnv(env: Readonly<Record<string, string | undefined>>): EditorId | undefined {
  const forced = env.DEADAIR_EDITOR?.trim().toLowerCase();
  if (forced) return (EDITORS as readonly string[]).includes(forced) ? (forced as EditorId) : undefined;
  for (const v of [env.VISUAL, env.EDITOR]) {
    const cmd = v?.trim().split(/\s+/)[0]?.split(/[\\/]/).pop()?.toLowerCase();
    if (cmd && COMMANDS[cmd]) return COMMANDS[cmd];
  }
  return undefined;
}

const SCHEMES: Record<EditorId, string> = {
  vscode: 'vscode:',
  cursor: 'cursor:',
  zed: 'zed:',
  idea: 'idea:',
};

/** The URL that opens `file` at `line` in the editor; none for a relative path or no line. */
export function editorLink(editor: EditorId, file: string, line: number): string | undefined {
  const absolute = file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file);
  if (!absolute || !Number.isInteger(line) || line < 1) return undefined;
  const path = encodeURI(file.replace(/\\/g, '/')).replace(/[?#]/g, encodeURIComponent);
  const slash = path.startsWith('/') ? '' : '/';
  switch (editor) {
    case 'idea':
      return `idea://open?file=${encodeURIComponent(file)}&line=${line}`;
    default:
      return `${SCHEMES[editor]}//file${slash}${path}:${line}`;
  }
}

/** Whether a URL is one `editorLink` makes (the tray opens these outside, as it does http links). */
export function isEditorLink(url: string): boolean {
  try {
    const u = new URL(url);
    return Object.values(SCHEMES).includes(u.protocol) && (u.hostname === 'file' || u.hostname === 'open');
  } catch {
    return false;
  }
}
