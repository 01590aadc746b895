// Secrets never reach an error line: credentials written into a URL (`wss://key:secret@host`,
// `?access_token=…`) are masked wherever a URL is shown, and a settings file that is not valid JSON
// is described by where it breaks, never by a quote of its text (which may be the secret).

/**
 * A URL — or a text quoting URLs, such as an error message — as it may be shown: the user info
 * (`key:secret@`) and query values (`?access_token=…`) of every URL in it masked.
 */
export function shownUrl(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]*/gi, (match) => {
    // Punctuation after a URL ("at wss://host: refused") is the sentence's, not the URL's.
    const url = match.replace(/[:.,;)\]]+$/, '');
    return (
      url.replace(/^([^:]+:\/\/)[^/?#@]*@/, '$1***@').replace(/([?&][^=&#]+=)[^&#]*/g, '$1***') +
      match.slice(url.length)
    );
  });
}

/** JSON.parse's complaint without the excerpt of the text it quotes; with line and column when known. */
export function jsonErrorWhere(message: string, text: string): string {
  const pos = /at position (\d+)/.exec(message);
  // V8 quotes the text around the error: `Unexpected token 'x', "…text…" is not valid JSON`.
  let why = message
    .replace(/,\s*"[\s\S]*"\s*is not valid JSON\s*$/, '')
    .replace(/\s*in JSON at position \d+.*$/s, '');
  if (/^Unexpected token/.test(why)) why = 'unexpected character';
  if (!pos) return why;
  const at = Number(pos[1]);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return `${why} at line ${line}, column ${column}`;
}
