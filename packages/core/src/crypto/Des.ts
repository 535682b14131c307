/// <reference path="./des.js.d.ts" />
/**
 * DES and two-key triple DES (TDES, EDE with K1, K2, K1) in ECB and CBC, no padding. The block cipher itself comes
 * from des.js (indutny/des.js, the implementation behind browserify's crypto): noble has no DES, and WebCrypto does
 * not offer it. Checked against FIPS 81 and NIST SP 800-17 vectors (DES) and the ICAO Doc 9303-11 BAC worked example
 * (two-key TDES) in test/crypto.
 *
 * @since 0.1.0
 */
import * as desjs from "des.js"

const BLOCK = 8
const ZERO_IV = new Uint8Array(BLOCK)

const checkBlocks = (data: Uint8Array, what: string) => {
  if (data.length % BLOCK !== 0) throw new RangeError(`${what}: ${data.length} bytes is not a multiple of 8`)
}

const checkKey = (key: Uint8Array, length: number, what: string) => {
  if (key.length !== length) throw new RangeError(`${what}: key must be ${length} bytes, got ${key.length}`)
}

const run = (
  cipherClass: Parameters<typeof desjs.CBC.instantiate>[0],
  type: "encrypt" | "decrypt",
  key: Uint8Array,
  data: Uint8Array,
  iv: Uint8Array | undefined
): Uint8Array => {
  const cipher =
    iv === undefined
      ? cipherClass.create({ type, key, padding: false })
      : desjs.CBC.instantiate(cipherClass).create({ type, key, iv, padding: false })
  const out = cipher.update(data).concat(cipher.final())
  return Uint8Array.from(out)
}

/** The 24-byte EDE key K1‖K2‖K1 of a 16-byte two-key TDES key. */
const twoKeyEde = (key16: Uint8Array): Uint8Array => {
  checkKey(key16, 16, "TDES")
  const key = new Uint8Array(24)
  key.set(key16, 0)
  key.set(key16.subarray(0, 8), 16)
  return key
}

/** Single DES, ECB over whole blocks. */
export const desEcbEncrypt = (key8: Uint8Array, data: Uint8Array): Uint8Array => {
  checkKey(key8, 8, "DES")
  checkBlocks(data, "DES")
  return run(desjs.DES, "encrypt", key8, data, undefined)
}

export const desEcbDecrypt = (key8: Uint8Array, data: Uint8Array): Uint8Array => {
  checkKey(key8, 8, "DES")
  checkBlocks(data, "DES")
  return run(desjs.DES, "decrypt", key8, data, undefined)
}

/** Single DES in CBC mode (IV zero unless given), whole blocks, no padding. */
export const desCbcEncrypt = (key8: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array => {
  checkKey(key8, 8, "DES")
  checkBlocks(data, "DES")
  return run(desjs.DES, "encrypt", key8, data, iv)
}

/** Two-key TDES (EDE K1, K2, K1) in CBC mode, IV zero unless given, whole blocks, no padding. */
export const tdesCbcEncrypt = (key16: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array => {
  checkBlocks(data, "TDES")
  return run(desjs.EDE, "encrypt", twoKeyEde(key16), data, iv)
}

export const tdesCbcDecrypt = (key16: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array => {
  checkBlocks(data, "TDES")
  return run(desjs.EDE, "decrypt", twoKeyEde(key16), data, iv)
}
