import { v7 as uuidv7 } from 'uuid';
import { createHash, randomBytes } from 'node:crypto';

/** Time-ordered ids keep B-tree inserts at the right edge of the index. */
export const newId = (): string => uuidv7();

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
