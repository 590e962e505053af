import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** scrypt (memory-hard): `scrypt$N$r$p$salt$hash`, parameters stored so they can be raised later. */
export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const r = 8;
  const p = 1;
  const key = await scrypt(password, salt, 32, { N: cost, r, p, maxmem: 256 * cost * r + 1024 * 1024 });
  return ['scrypt', cost, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const N = Number(n);
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r) + 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}

const decoys = new Map<number, Promise<string>>();

/**
 * The hash of a random password at this cost. Login checks the password against it when there is
 * no usable account, so that an unknown email costs the same scrypt work as a wrong password and
 * the answer's timing (now also in its Server-Timing header) does not tell which emails exist.
 */
export function decoyHash(cost: number): Promise<string> {
  let h = decoys.get(cost);
  if (!h) decoys.set(cost, (h = hashPassword(randomBytes(16).toString('hex'), cost)));
  return h;
}
