import { describe, expect, test } from 'vitest';
import {
  firstRequestUrl,
  InvalidDriveUrlError,
  parseDriveFileLink,
  parseDriveLink,
} from '../src/index.js';

const ID = '1DbDXYdulvvb9YOG1fRSrCVPvry_Reu8z';
const OLD = '0B9P1L--7Wd2vU3VUVlFnbTgtS2c';

describe('Drive link parsing (gdrive-protocol §1)', () => {
  test.each([
    ID,
    OLD,
    `https://drive.google.com/file/d/${ID}/view?usp=sharing`,
    `https://drive.google.com/file/d/${ID}/view?usp=drive_link`,
    `https://drive.google.com/file/d/${ID}/edit`,
    `https://drive.google.com/file/d/${ID}`,
    `https://drive.google.com/file/u/0/d/${ID}/view`,
    `https://drive.google.com/open?id=${ID}`,
    `https://drive.google.com/uc?id=${ID}`,
    `https://drive.google.com/uc?export=download&id=${ID}`,
    `https://docs.google.com/uc?export=download&id=${ID}`,
    `https://drive.google.com/a/example.edu/uc?id=${ID}&export=download`,
    `https://drive.usercontent.google.com/download?id=${ID}&export=download`,
    `https://drive.usercontent.google.com/download?id=${ID}&export=download&confirm=t&uuid=99b6f2ce-1412-4b2d-b6ea-d2e37aea8333`,
  ])('%s', (input) => {
    const link = parseDriveFileLink(input);
    expect(link.kind).toBe('file');
    expect([ID, OLD]).toContain(link.id);
  });

  test('keeps resourcekey', () => {
    expect(
      parseDriveLink(`https://drive.google.com/file/d/${ID}/view?resourcekey=0-abcDEF`),
    ).toEqual({
      id: ID,
      kind: 'file',
      resourceKey: '0-abcDEF',
    });
  });

  test('recognises native documents and folders, and refuses them as files', () => {
    expect(parseDriveLink(`https://docs.google.com/document/d/${ID}/edit`).kind).toBe('document');
    expect(parseDriveLink(`https://docs.google.com/spreadsheets/u/1/d/${ID}/htmlview`).kind).toBe(
      'spreadsheets',
    );
    expect(parseDriveLink(`https://docs.google.com/presentation/d/${ID}/view`).kind).toBe(
      'presentation',
    );
    expect(parseDriveLink(`https://drive.google.com/drive/folders/${ID}?usp=sharing`).kind).toBe(
      'folder',
    );
    expect(() => parseDriveFileLink(`https://drive.google.com/drive/folders/${ID}`)).toThrow(
      /Drive folder/,
    );
    expect(() => parseDriveFileLink(`https://docs.google.com/document/d/${ID}/edit`)).toThrow(
      /Docs document/,
    );
  });

  test.each([
    ['https://example.com/file/d/' + ID + '/view', /not a Google Drive host/],
    ['https://drive.google.com/drive/my-drive', /no \/file\/d\/ID/],
    ['short', /neither a URL nor a file id/],
    ['https://drive.google.com/open?id=bad!', /is not a Drive id/],
  ])('refuses %s', (input, message) => {
    expect(() => parseDriveLink(input)).toThrow(InvalidDriveUrlError);
    expect(() => parseDriveLink(input)).toThrow(message);
  });

  test('the first request honours a replacement origin, path prefix included', () => {
    const link = { id: ID, kind: 'file' as const, resourceKey: '0-k' };
    expect(firstRequestUrl(link)).toBe(
      `https://drive.google.com/uc?export=download&id=${ID}&resourcekey=0-k`,
    );
    expect(firstRequestUrl(link, 'http://127.0.0.1:9/mirror')).toBe(
      `http://127.0.0.1:9/mirror/uc?export=download&id=${ID}&resourcekey=0-k`,
    );
  });
});
