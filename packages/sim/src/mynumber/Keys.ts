/**
 * RSA on the simulated My Number card: the `90`/`91` public-key encoding of the 券面 records, PKCS#1 v1.5 and PSS
 * signatures (RFC 8017 §8.1, §8.2, §9.1, §9.2) on top of `../internal/Rsa.js`, and deterministic RSA-2048 key
 * generation for the few keys the fixtures do not provide (their public halves are not on a real card, or the card
 * only publishes them). For test keys only: nothing here is constant time.
 *
 * @since 0.1.0
 */
import { concat } from "@jpcard/core/Bytes"
import { sha256 } from "@jpcard/core/crypto"
import {
  emsaPkcs1v15,
  modPow,
  parsePrivateKey,
  type RsaPrivateKey,
  SHA256_DIGEST_INFO_PREFIX,
  signEncoded,
  toBigInt,
  toBytes
} from "../internal/Rsa.js"
import { tlv } from "./Ber.js"

export type { RsaPrivateKey }

export interface RsaPublicKey {
  readonly n: bigint
  readonly e: bigint
}

export { toBigInt, toBytes }

/** Big-endian without leading zero bytes (at least one byte). */
export const toMinimalBytes = (value: bigint): Uint8Array => {
  let length = 1
  while (value >> BigInt(8 * length) > 0n) length++
  return toBytes(value, length)
}

const parsed = new WeakMap<Uint8Array, RsaPrivateKey>()

/** Parses a PKCS#8 (or PKCS#1) RSA private key, once per buffer. */
export const privateKey = (der: Uint8Array): RsaPrivateKey => {
  const cached = parsed.get(der)
  if (cached !== undefined) return cached
  const key = parsePrivateKey(der)
  parsed.set(der, key)
  return key
}

export const publicOf = (key: RsaPrivateKey): RsaPublicKey => ({ n: key.n, e: key.e })

/**
 * The public key as the 券面 records carry it (reference §7.4–§7.6): `90 L e ‖ 91 82 01 00 n`, 265 bytes for
 * RSA-2048 with e = 65537; the modulus is written in exactly k bytes.
 */
export const encodePublicKey = (key: RsaPublicKey): Uint8Array => {
  const k = Math.ceil(key.n.toString(16).length / 2)
  return concat(tlv(0x90, toMinimalBytes(key.e)), tlv(0x91, toBytes(key.n, k)))
}

/** SHA-256 DigestInfo prefix ‖ hash. */
export const sha256DigestInfo = (hash: Uint8Array): Uint8Array => concat(SHA256_DIGEST_INFO_PREFIX, hash)

/** EMSA-PKCS1-v1_5 type-1 padding of `payload` exactly as given, then RSASP1 (the card's `80 2A` P1 `00`). */
export const signPkcs1Payload = (key: RsaPrivateKey, payload: Uint8Array): Uint8Array =>
  signEncoded(key, emsaPkcs1v15(payload, key.k))

/** RSASSA-PKCS1-v1_5 with SHA-256 over `data`. */
export const signPkcs1Sha256 = (key: RsaPrivateKey, data: Uint8Array): Uint8Array =>
  signPkcs1Payload(key, sha256DigestInfo(sha256(data)))

/** MGF1 with SHA-256 (RFC 8017 §B.2.1). */
const mgf1 = (seed: Uint8Array, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  let offset = 0
  for (let counter = 0; offset < length; counter++) {
    const block = sha256(
      concat(seed, Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff))
    )
    out.set(block.subarray(0, Math.min(block.length, length - offset)), offset)
    offset += block.length
  }
  return out
}

/** RSASSA-PSS signature of a SHA-256 hash: EMSA-PSS (RFC 8017 §9.1.1) with MGF1-SHA-256 and the given salt. */
export const signPssSha256 = (key: RsaPrivateKey, mHash: Uint8Array, salt: Uint8Array): Uint8Array => {
  const modBits = key.n.toString(2).length
  const emBits = modBits - 1
  const emLen = Math.ceil(emBits / 8)
  const hLen = 32
  if (mHash.length !== hLen) throw new RangeError("PSS: the hash must be 32 bytes")
  if (emLen < hLen + salt.length + 2) throw new RangeError("PSS: modulus too short")
  const h = sha256(concat(new Uint8Array(8), mHash, salt))
  const db = new Uint8Array(emLen - hLen - 1)
  db[emLen - salt.length - hLen - 2] = 0x01
  db.set(salt, emLen - salt.length - hLen - 1)
  const mask = mgf1(h, db.length)
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!
  db[0]! &= 0xff >> (8 * emLen - emBits)
  const em = concat(db, h, Uint8Array.of(0xbc))
  const padded = new Uint8Array(key.k)
  padded.set(em, key.k - em.length)
  return signEncoded(key, padded)
}

/** The RSA public operation (RSAVP1), for self-checks. */
export const rsaPublic = (key: RsaPublicKey, signature: Uint8Array, k: number): Uint8Array =>
  toBytes(modPow(toBigInt(signature), key.e, key.n), k)

// ---------------------------------------------------------------------------------------------------------------------
// Deterministic key generation
// ---------------------------------------------------------------------------------------------------------------------

const SMALL_PRIMES: ReadonlyArray<bigint> = (() => {
  const out: Array<number> = []
  for (let i = 3; out.length < 400; i += 2) if (out.every((p) => i % p !== 0)) out.push(i)
  return out.map(BigInt)
})()

const millerRabin = (n: bigint, a: bigint): boolean => {
  let d = n - 1n
  let s = 0
  while ((d & 1n) === 0n) {
    d >>= 1n
    s++
  }
  let x = modPow(a, d, n)
  if (x === 1n || x === n - 1n) return true
  for (let i = 1; i < s; i++) {
    x = (x * x) % n
    if (x === n - 1n) return true
  }
  return false
}

const WITNESSES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n]

const isProbablePrime = (n: bigint): boolean => {
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p
  return WITNESSES.every((a) => millerRabin(n, a))
}

const modInverse = (a: bigint, m: bigint): bigint => {
  let [oldR, r] = [((a % m) + m) % m, m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const q = oldR / r
    ;[oldR, r] = [r, oldR - q * r]
    ;[oldS, s] = [s, oldS - q * s]
  }
  if (oldR !== 1n) throw new RangeError("not invertible")
  return ((oldS % m) + m) % m
}

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a, b]
  while (y !== 0n) [x, y] = [y, x % y]
  return x
}

const encoder = new TextEncoder()

/** A byte stream: SHA-256(`jpcard-sim-rsa:` ‖ label ‖ counter) blocks. */
const stream = (label: string) => {
  const prefix = encoder.encode(`jpcard-sim-rsa:${label}:`)
  let counter = 0
  return (length: number): Uint8Array => {
    const parts: Array<Uint8Array> = []
    let have = 0
    while (have < length) {
      const block = sha256(concat(prefix, encoder.encode(String(counter++))))
      parts.push(block)
      have += block.length
    }
    return concat(...parts).slice(0, length)
  }
}

const generated = new Map<string, RsaPrivateKey>()

/**
 * An RSA-2048 key (e = 65537) derived deterministically from `label`: the same label gives the same key in every
 * run. Takes about a second; the result is cached for the process.
 */
export const deterministicKey = (label: string): RsaPrivateKey => {
  const cached = generated.get(label)
  if (cached !== undefined) return cached
  const next = stream(label)
  const e = 65537n
  const prime = (): bigint => {
    for (;;) {
      const bytes = next(128)
      bytes[0]! |= 0xc0 // top two bits: p·q has exactly 2048 bits
      bytes[127]! |= 0x01
      const candidate = toBigInt(bytes)
      if ((candidate - 1n) % e !== 0n && isProbablePrime(candidate)) return candidate
    }
  }
  let p = prime()
  let q = prime()
  while (q === p) q = prime()
  if (p < q) [p, q] = [q, p]
  const n = p * q
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n)
  const d = modInverse(e, lambda)
  const key: RsaPrivateKey = {
    n,
    e,
    d,
    p,
    q,
    dp: d % (p - 1n),
    dq: d % (q - 1n),
    qinv: modInverse(q, p),
    k: 256
  }
  generated.set(label, key)
  return key
}
