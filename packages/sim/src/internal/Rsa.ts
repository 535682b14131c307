/**
 * RSA-2048 signing for the simulated card's check code (在留カード等仕様書 Ver 1.5 §3.4.3.1, 図3-4, p. 14): a
 * minimal, bounds-checked DER reader for PKCS#8 `PrivateKeyInfo` (or a bare PKCS#1 `RSAPrivateKey`),
 * EMSA-PKCS1-v1_5 encoding and bigint exponentiation with the CRT. For test keys only: not constant time.
 *
 * @since 0.1.0
 */
import { fromHex } from "@jpcard/core/Bytes"
import * as Der from "./Der.js"

export interface RsaPrivateKey {
  readonly n: bigint
  readonly e: bigint
  readonly d: bigint
  readonly p: bigint
  readonly q: bigint
  readonly dp: bigint
  readonly dq: bigint
  readonly qinv: bigint
  /** Modulus length in bytes. */
  readonly k: number
}

const { fail, readElement, children } = Der.reader("RSA private key")
type Element = Der.Element

const integer = (element: Element | undefined, what: string): bigint => {
  if (element === undefined || element.tag !== 0x02 || element.value.length === 0) fail(`${what} is not an INTEGER`)
  const value = element!.value
  if (value[0]! & 0x80) fail(`${what} is negative`)
  let out = 0n
  for (const b of value) out = (out << 8n) | BigInt(b)
  return out
}

const RSA_ENCRYPTION_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01)

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

const parseRsaPrivateKey = (der: Uint8Array): RsaPrivateKey => {
  const outer = readElement(der, 0)
  if (outer.tag !== 0x30) fail("RSAPrivateKey is not a SEQUENCE")
  const fields = children(outer.value)
  if (integer(fields[0], "version") !== 0n) fail("only two-prime keys (version 0) are supported")
  const [n, e, d, p, q, dp, dq, qinv] = ["n", "e", "d", "p", "q", "dP", "dQ", "qInv"].map((name, i) =>
    integer(fields[i + 1], name)
  ) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint]
  if (p * q !== n) fail("p·q ≠ n")
  if ((qinv * q) % p !== 1n) fail("qInv·q ≠ 1 mod p")
  const k = Math.ceil(n.toString(16).length / 2)
  return { n, e, d, p, q, dp, dq, qinv, k }
}

/** Parses a PKCS#8 `PrivateKeyInfo` holding an RSA key, or a bare PKCS#1 `RSAPrivateKey`. */
export const parsePrivateKey = (der: Uint8Array): RsaPrivateKey => {
  const outer = readElement(der, 0)
  if (outer.tag !== 0x30) fail("not a DER SEQUENCE")
  if (outer.end !== der.length) fail("trailing bytes after the key")
  const fields = children(outer.value)
  if (fields[1]?.tag === 0x02) return parseRsaPrivateKey(der) // PKCS#1: version, n, ...
  // PKCS#8: version, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey }, [0] attributes (optional)
  if (integer(fields[0], "PKCS#8 version") > 1n) fail("unknown PKCS#8 version")
  const algorithm = fields[1]
  if (algorithm === undefined || algorithm.tag !== 0x30) fail("PKCS#8 AlgorithmIdentifier missing")
  const oid = children(algorithm!.value)[0]
  if (oid === undefined || oid.tag !== 0x06 || !sameBytes(oid.value, RSA_ENCRYPTION_OID))
    fail("not an rsaEncryption key")
  const octets = fields[2]
  if (octets === undefined || octets.tag !== 0x04) fail("PKCS#8 privateKey OCTET STRING missing")
  return parseRsaPrivateKey(octets!.value)
}

export const modPow = (base: bigint, exponent: bigint, modulus: bigint): bigint => {
  let result = 1n
  let b = base % modulus
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus
    e >>= 1n
    b = (b * b) % modulus
  }
  return result
}

/** Big-endian unsigned integer. */
export const toBigInt = (bytes: Uint8Array): bigint => {
  let out = 0n
  for (const b of bytes) out = (out << 8n) | BigInt(b)
  return out
}

/** Big-endian, exactly `length` bytes (throws if the value does not fit). */
export const toBytes = (value: bigint, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  let v = value
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  if (v !== 0n) throw new RangeError("integer too large")
  return out
}

/** DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1). */
export const SHA256_DIGEST_INFO_PREFIX = fromHex("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20")

/** EM = `00 01 FF…FF 00 ‖ T` of `k` bytes (EMSA-PKCS1-v1_5 with the DigestInfo or any other tail). */
export const emsaPkcs1v15 = (tail: Uint8Array, k: number): Uint8Array => {
  const psLength = k - 3 - tail.length
  if (psLength < 8) throw new RangeError("modulus too short for the PKCS#1 v1.5 tail")
  const em = new Uint8Array(k)
  em[1] = 0x01
  em.fill(0xff, 2, 2 + psLength)
  em[2 + psLength] = 0x00
  em.set(tail, 3 + psLength)
  return em
}

/** The RSA signature primitive (RSASP1) on an encoded message, with the CRT, checked with the public key. */
export const signEncoded = (key: RsaPrivateKey, em: Uint8Array): Uint8Array => {
  if (em.length !== key.k) throw new RangeError(`encoded message must be ${key.k} bytes`)
  const m = toBigInt(em)
  if (m >= key.n) throw new RangeError("message representative out of range")
  const m1 = modPow(m, key.dp, key.p)
  const m2 = modPow(m, key.dq, key.q)
  const h = (key.qinv * (((m1 - m2) % key.p) + key.p)) % key.p
  const s = m2 + h * key.q
  if (modPow(s, key.e, key.n) !== m) throw new Error("RSA signature self-check failed (inconsistent key)")
  return toBytes(s, key.k)
}
