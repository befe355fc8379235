/**
 * Passwords never reach any output. `redact` knows every form a password takes in a connection
 * string (URL userinfo, even with an unencoded `@`; `?password=`; libpq's `password=` keyword), and
 * any password dbctl has parsed out of a URL is remembered so that it is masked wherever it shows
 * up, e.g. inside a driver's error message that quotes it without its URL around it.
 */

const secrets = new Set<string>();

/**
 * Remembers a password to mask wherever it appears (short ones too: a leak of "pw" is still a
 * leak), in each spelling output may give it: as written, percent-decoded, percent-encoded (a URL
 * that went through `new URL()`), and escaped inside a JSON string (`"`, `\\`, a tab).
 */
export function registerSecret(secret: string | undefined | null): void {
  if (!secret) return;
  const forms = new Set([secret]);
  try {
    forms.add(decodeURIComponent(secret));
  } catch {
    /* not percent-encoded */
  }
  for (const form of [...forms]) forms.add(encodeURIComponent(form));
  for (const form of [...forms]) forms.add(JSON.stringify(form).slice(1, -1));
  for (const form of forms) if (form.trim()) secrets.add(form);
}

/**
 * Remembers the password of a connection URL, if it has one (and however it is written). `url` is
 * known to be one whole URL, so its userinfo runs to its LAST `@`, whatever the password holds
 * (spaces, `#`, `/`, `?`, quotes, more `@`): the same rule as redactUrl.
 */
export function registerUrlSecrets(url: string | undefined): void {
  if (!url) return;
  const password = urlPassword(url);
  if (password !== undefined) registerSecret(password);
  try {
    registerSecret(new URL(url).password); // the parser's own reading, percent-encoded its way
  } catch {
    /* not a URL the WHATWG parser accepts: the reading above stands */
  }
  for (const m of url.matchAll(/[?&]password=([^&]*)/gi)) registerSecret(m[1]);
  for (const m of url.matchAll(/\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|[^\s'"]+)/gi)) registerSecret(m[1].replace(/^'|'$/g, ''));
}

/** `scheme://user:PASSWORD@host…` → PASSWORD, to the last `@`; undefined when there is none. */
function urlPassword(url: string): string | undefined {
  const m = /^\s*[a-z][a-z0-9+.-]*:\/\/([\s\S]*)@[^@]*$/i.exec(url);
  const userinfo = m?.[1];
  if (userinfo === undefined || !userinfo.includes(':')) return undefined;
  return userinfo.slice(userinfo.indexOf(':') + 1);
}

/**
 * One whole connection URL, password-free: everything from the userinfo's first `:` to the URL's
 * last `@` is the password, whatever characters it holds, and so is a `password=` query value up to
 * the next `&`. For text that merely contains URLs, use redact().
 */
export function redactUrl(url: string): string {
  let out = url;
  const password = urlPassword(url);
  if (password !== undefined) {
    const at = url.lastIndexOf('@');
    out = `${url.slice(0, at - password.length)}***${url.slice(at)}`;
  }
  return redact(out.replace(/([?&]password=)[^&]*/gi, '$1***'));
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
