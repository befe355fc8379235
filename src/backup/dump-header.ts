import fs from 'node:fs';
import type { BackupFormat } from './manifest.js';

/**
 * The version of the pg_dump that wrote `file`, as pg_dump prints it (`15.20`), read from the dump
 * itself instead of a second run of the program; null when the file does not say (or is missing).
 * Plain SQL: the `-- Dumped by pg_dump version` comment. Custom format: the archive header
 * (pg_backup_archiver.c, WriteHead): "PGDMP", version, int and offset sizes, format, compression,
 * seven ints of creation time, then the database name, the server version and pg_dump's version.
 */
export function dumpToolVersion(file: string, format: BackupFormat): { major: number; text: string } | null {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(4096);
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const text = format === 'plain' ? /^-- Dumped by pg_dump version (\S+)/m.exec(head.toString('utf8'))?.[1] : customHeaderVersion(head);
  const match = text ? /^(\d+)(?:\.(\d+))?/.exec(text) : null;
  if (!match) return null;
  return { major: Number(match[1]), text: match[2] === undefined ? match[1] : `${match[1]}.${match[2]}` };
}

function customHeaderVersion(head: Buffer): string | undefined {
  if (head.length < 11 || head.toString('latin1', 0, 5) !== 'PGDMP') return undefined;
  const [major, minor] = [head[5], head[6]];
  const intSize = head[8];
  let at = 11;
  const readInt = (): number | undefined => {
    if (at + 1 + intSize > head.length) return undefined;
    const negative = head[at] !== 0;
    let value = 0;
    for (let i = 0; i < intSize; i++) value += head[at + 1 + i] * 2 ** (8 * i);
    at += 1 + intSize;
    return negative ? -value : value;
  };
  const readStr = (): string | undefined => {
    const length = readInt();
    if (length === undefined || length < 0 || at + length > head.length) return undefined;
    const s = head.toString('utf8', at, at + length);
    at += length;
    return s;
  };
  // Archive 1.15 (PostgreSQL 16) stores the compression algorithm as one byte; before, a level as an int.
  if (major > 1 || minor >= 15) at += 1;
  else if (readInt() === undefined) return undefined;
  for (let i = 0; i < 7; i++) if (readInt() === undefined) return undefined;
  readStr(); // database name
  readStr(); // server version
  return readStr();
}
