import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { formatBytes, MAX_CASE_BYTES } from './limits.js';
import { UsageError } from './usage-error.js';

export interface ReadOptions {
  /** Refuse more than this many bytes; default MAX_CASE_BYTES. */
  maxBytes?: number;
  /** Where "-" reads from; default process.stdin. */
  stdin?: Readable;
}

function ioReason(error: NodeJS.ErrnoException): string {
  const code = error.code;
  if (code === 'ERR_INVALID_ARG_VALUE') return 'a file name cannot hold a NUL byte';
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : error.message;
}

/**
 * Reads at most `maxBytes` from a stream; past that it stops reading and refuses, so an endless or
 * huge input (a device, a pipe, stdin) never fills memory.
 */
async function readCapped(stream: Readable, source: string, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      stream.destroy();
      throw new UsageError(`${source}: more than ${formatBytes(maxBytes)}; a case may be at most ${formatBytes(maxBytes)}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads a whole case file, or stdin for "-", turning I/O failures and oversized inputs into
 * one-line usage errors. A regular file's size is checked before any of it is read.
 */
export async function readTextInput(path: string, options: ReadOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_CASE_BYTES;
  if (path === '-') return readCapped(options.stdin ?? process.stdin, 'stdin', maxBytes);
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (info.isFile() && info.size > maxBytes) {
      throw new UsageError(`${path}: ${formatBytes(info.size)} is over the ${formatBytes(maxBytes)} limit for a case`);
    }
    return await readCapped(createReadStream(path), path, maxBytes);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${path}: ${ioReason(error as NodeJS.ErrnoException)}`);
  }
}
