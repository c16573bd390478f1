import { createHash } from 'node:crypto';

/**
 * Holdout decision for a key, the same in every process, language and restart:
 * take SHA-256 of the UTF-8 text `${salt}\n${key}`, read its first 6 bytes as a big-endian unsigned
 * integer u, and hold the key out when u / 2⁴⁸ < rate. In Python:
 * `int.from_bytes(hashlib.sha256(f"{salt}\n{key}".encode()).digest()[:6], "big") / 2**48 < rate`.
 */
export function holdoutPosition(key: string, salt: string): number {
  const digest = createHash('sha256').update(`${salt}\n${key}`, 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
