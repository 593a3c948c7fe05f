// A minimal cookie jar for the legacy Drive protocol (download_warning_* cookie + confirm token).
// Parsing is undici's; matching is host/domain + path prefix, which is all Drive ever needed —
// a full RFC 6265 jar (tough-cookie) would be a dependency for one cookie.
import { type Cookie, getSetCookies, Headers } from 'undici';

interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
}

export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** Stores the `Set-Cookie` headers of a response to `url`. */
  store(url: string, setCookie: string | string[] | undefined): void {
    if (!setCookie) return;
    const headers = new Headers();
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      headers.append('set-cookie', line);
    }
    const host = new URL(url).hostname;
    for (const c of getSetCookies(headers) as Cookie[]) {
      const domain = (c.domain ?? host).replace(/^\./, '').toLowerCase();
      const path = c.path ?? '/';
      const key = `${domain};${path};${c.name}`;
      if (c.maxAge !== undefined && c.maxAge <= 0) this.cookies.delete(key);
      else
        this.cookies.set(key, { name: c.name, value: c.value, domain, hostOnly: !c.domain, path });
    }
  }

  /** The `Cookie` header value to send to `url`, or undefined when no cookie applies. */
  header(url: string): string | undefined {
    const u = new URL(url);
    const host = u.hostname.toLowerCase();
    const pairs: string[] = [];
    for (const c of this.cookies.values()) {
      const domainOk = c.hostOnly
        ? host === c.domain
        : host === c.domain || host.endsWith(`.${c.domain}`);
      if (domainOk && u.pathname.startsWith(c.path)) pairs.push(`${c.name}=${c.value}`);
    }
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }

  get size(): number {
    return this.cookies.size;
  }
}
