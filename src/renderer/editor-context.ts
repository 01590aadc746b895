// The editor log lines open in, as the host told the page (the `editor` request): the inspector
// offers "open in …" for a file:line where one is known.
import { createContext } from 'react';
import type { EditorId } from '../shared/editor.js';

export const EditorContext = createContext<EditorId | undefined>(undefined);
