import { randomBytes } from 'node:crypto';

/** Random strings in the shapes providers' ids and secrets take, for emulated and fake credentials. */
export const fake = {
  hex: (length: number) => randomBytes(length).toString('hex').slice(0, length),
  alnum: (length: number) =>
    randomBytes(length * 2)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, length),
  upperAlnum: (length: number) =>
    fake
      .alnum(length * 2)
      .toUpperCase()
      .slice(0, length),
};
