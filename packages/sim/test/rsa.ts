// Raw RSA with bigint for the tests (the public operation only), independent of the simulator's internal/Rsa and
// of WebCrypto: the residence card's check code and the My Number card's signatures are opened with it.
import { fromHex } from "@jpcard/core/Bytes"
import { expect } from "vitest"

export interface PublicKey {
  readonly n: bigint
  readonly e: bigint
}

/** Big-endian unsigned integer. */
export const big = (bytes: Uint8Array): bigint => {
  let x = 0n
  for (const b of bytes) x = (x << 8n) | BigInt(b)
  return x
}

/** Big-endian, `length` bytes. */
const bytesOf = (value: bigint, length: number): Uint8Array => fromHex(value.toString(16).padStart(length * 2, "0"))

const modPow = (base: bigint, exponent: bigint, modulus: bigint): bigint => {
  let r = 1n
  let b = base % modulus
  let e = exponent
  while (e > 0n) {
    if (e & 1n) r = (r * b) % modulus
    b = (b * b) % modulus
    e >>= 1n
  }
  return r
}

/** s^e mod n as k bytes (k the modulus length); the signature must be k bytes. */
export const rsaOpen = (key: PublicKey, signature: Uint8Array): Uint8Array => {
  const k = Math.ceil(key.n.toString(16).length / 2)
  expect(signature.length).toBe(k)
  return bytesOf(modPow(big(signature), key.e, key.n), k)
}
