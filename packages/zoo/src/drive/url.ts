// Google Drive link parsing (gdrive-protocol.md §1): every share/open/uc/usercontent/Workspace
// form, native-document links, and bare ids. Folders are recognised so they can be refused clearly.
import { InvalidDriveUrlError } from '../errors.js';

export type DriveLinkKind = 'file' | 'folder' | 'document' | 'spreadsheets' | 'presentation';

export interface DriveLink {
  id: string;
  kind: DriveLinkKind;
  /** `resourcekey=0-…` query value that some link-shared files need since 2021-09. */
  resourceKey?: string;
}

/** Old `0B…` ids have 28 characters and new `1…` ids 33; gdown accepts 25 and up for folders. */
const ID = /^[A-Za-z0-9_-]{25,}$/;
const HOSTS = new Set(['drive.google.com', 'docs.google.com', 'drive.usercontent.google.com']);
const PATH_RULES: [RegExp, DriveLinkKind][] = [
  [/^\/(?:a\/[^/]+\/)?file\/(?:u\/\d+\/)?d\/([A-Za-z0-9_-]+)(?:\/|$)/, 'file'],
  [/^\/(?:a\/[^/]+\/)?drive\/(?:u\/\d+\/)?folders\/([A-Za-z0-9_-]+)(?:\/|$)/, 'folder'],
  [/^\/(document|spreadsheets|presentation)\/(?:u\/\d+\/)?d\/([A-Za-z0-9_-]+)(?:\/|$)/, 'document'],
];

export function isDriveId(text: string): boolean {
  return ID.test(text);
}

/** Parses a Drive link or bare file id; throws InvalidDriveUrlError naming what is wrong. */
export function parseDriveLink(input: string): DriveLink {
  const text = input.trim();
  if (isDriveId(text)) return { id: text, kind: 'file' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidDriveUrlError(
      input,
      'neither a URL nor a file id (25+ characters of A-Z a-z 0-9 _ -)',
    );
  }
  if (!HOSTS.has(url.hostname)) {
    throw new InvalidDriveUrlError(input, `host ${url.hostname} is not a Google Drive host`);
  }
  const resourceKey = url.searchParams.get('resourcekey') ?? undefined;
  const withKey = (link: DriveLink): DriveLink => (resourceKey ? { ...link, resourceKey } : link);

  // A single `id` query value wins (open?id=, uc?id=, usercontent download?id=), as in gdown.
  const ids = url.searchParams.getAll('id');
  if (ids.length === 1) {
    const id = ids[0]!;
    if (!isDriveId(id)) throw new InvalidDriveUrlError(input, `'${id}' is not a Drive id`);
    return withKey({ id, kind: 'file' });
  }
  for (const [rule, kind] of PATH_RULES) {
    const m = rule.exec(url.pathname);
    if (!m) continue;
    const id = kind === 'document' ? m[2]! : m[1]!;
    if (!isDriveId(id)) throw new InvalidDriveUrlError(input, `'${id}' is not a Drive id`);
    return withKey({ id, kind: kind === 'document' ? (m[1] as DriveLinkKind) : kind });
  }
  throw new InvalidDriveUrlError(input, 'no /file/d/ID, /open?id=ID or /uc?id=ID in it');
}

/** Parses a link that must point at a downloadable file (not a folder or a Docs document). */
export function parseDriveFileLink(input: string): DriveLink {
  const link = parseDriveLink(input);
  if (link.kind === 'folder') {
    throw new InvalidDriveUrlError(input, 'it is a Drive folder; give the link of one file in it');
  }
  if (link.kind !== 'file') {
    throw new InvalidDriveUrlError(input, `it is a Google Docs ${link.kind} item, not a file`);
  }
  return link;
}

export const DRIVE_ORIGIN = 'https://drive.google.com';

/**
 * The first request of a download: `<origin>/uc?export=download&id=ID[&resourcekey=…]`.
 * `origin` replaces https://drive.google.com (HAWQ_DRIVE_URL: mirrors, the fake server in tests);
 * it may carry a path prefix, which is kept.
 */
export function firstRequestUrl(link: DriveLink, origin: string = DRIVE_ORIGIN): string {
  const base = new URL(origin.endsWith('/') ? origin : `${origin}/`);
  const url = new URL('uc', base);
  url.searchParams.set('export', 'download');
  url.searchParams.set('id', link.id);
  if (link.resourceKey) url.searchParams.set('resourcekey', link.resourceKey);
  return url.toString();
}
