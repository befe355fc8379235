/**
 * Passwords never reach any output. `redact` knows every form a password takes in a connection
 * string (URL userinfo, even with an unencoded `@`; `?password=`; libpq's `password=` keyword), and
 * any password dbctl has parsed out of a URL is remembered so that it is masked wherever it shows
 * up, e.g. inside a driver's error message that quotes it without its URL around it.
 */

const secrets = new Set<string>();

/** Remembers a password to mask wherever it appears (short ones too: a leak of "pw" is still a leak). */
export function registerSecret(secret: string | undefined | null): void {
  if (!secret) return;
  secrets.add(secret);
  try {
    const decoded = decodeURIComponent(secret);
    if (decoded !== secret) secrets.add(decoded);
  } catch {
    /* not percent-encoded */
  }
}

/** Remembers the password of a connection URL, if it has one (and however it is written). */
export function registerUrlSecrets(url: string | undefined): void {
  if (!url) return;
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)@/i.exec(url)?.[1];
  if (userinfo?.includes(':')) registerSecret(userinfo.slice(userinfo.indexOf(':') + 1));
  for (const m of url.matchAll(/[?&]password=([^&#\s]*)/gi)) registerSecret(m[1]);
  for (const m of url.matchAll(/\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|[^\s'"]+)/gi)) registerSecret(m[1].replace(/^'|'$/g, ''));
}

// scheme://user:PASSWORD@host: the password runs to the LAST `@` of the URL, since an unencoded
// `@` in a password is common (and libpq and pg accept some such URLs).
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s"'<>]*:)([^\s"'<>]*)@(?=[^@\s"'<>]*(?:[\s"'<>]|$))/gi;
const QUERY = /([?&]password=)[^&#\s"'<>]*/gi;
const KEYWORD = /(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s"'&]+)/gi;

/** Masks every password in `text` with `***`. */
export function redact(text: string): string {
  let out = text.replace(USERINFO, '$1***@').replace(QUERY, '$1***').replace(KEYWORD, '$1***');
  for (const secret of secrets) if (secret.length >= 2 && out.includes(secret)) out = out.split(secret).join('***');
  return out;
}
