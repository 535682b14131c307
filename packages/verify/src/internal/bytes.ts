/**
 * Byte helpers (no Node built-ins: the package runs in browsers).
 *
 * @internal
 */

const hexPairs = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

/** The two ASCII hex digits of every byte value, at `2 * byte`. */
const hexDigits = new Uint8Array(512)
for (let i = 0; i < 256; i++) {
  hexDigits[2 * i] = hexPairs[i]!.charCodeAt(0)
  hexDigits[2 * i + 1] = hexPairs[i]!.charCodeAt(1)
}
const asciiDecoder = new TextDecoder()

/**
 * ASCII hex digits are written here before decoding: allocating a fresh 512-byte array per 2048-bit modulus (an
 * off-heap buffer) cost as much as the rest of `toHex`. Only hex of public values passes through (keys, digests,
 * serial numbers), and it is in the returned string anyway.
 */
let hexOut = new Uint8Array(1024)

/**
 * Lower-case hex without separators. Long inputs (a 2048-bit modulus in a report) are written as ASCII bytes and
 * decoded once, which takes half the time of building the string pair by pair; short ones are concatenated.
 */
export const toHex = (bytes: Uint8Array): string => {
  if (bytes.length >= 64) {
    const n = 2 * bytes.length
    if (hexOut.length < n) hexOut = new Uint8Array(Math.max(n, 2 * hexOut.length))
    const out = hexOut
    for (let i = 0; i < bytes.length; i++) {
      const d = 2 * bytes[i]!
      out[2 * i] = hexDigits[d]!
      out[2 * i + 1] = hexDigits[d + 1]!
    }
    return asciiDecoder.decode(out.subarray(0, n))
  }
  let out = ""
  for (let i = 0; i < bytes.length; i++) out += hexPairs[bytes[i]!]!
  return out
}

/** Parses hex (white space ignored); `undefined` for anything that is not hex. */
export const fromHex = (hex: string): Uint8Array | undefined => {
  const clean = hex.replace(/\s+/g, "")
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) return undefined
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Hex of a literal known to be valid (embedded material, constants). */
export const hex = (literal: string): Uint8Array<ArrayBuffer> => {
  const bytes = fromHex(literal)
  if (bytes === undefined) throw new Error("invalid hex literal")
  return bytes as Uint8Array<ArrayBuffer>
}

// The core's byte helpers where they mean the same here (this package's hex differs: lower case, and `fromHex` answers
// `undefined` for untrusted text instead of throwing).
export { concat, equalConstantTime, equals } from "@jpcard/core/Bytes"

export const isAllZero = (bytes: Uint8Array): boolean => {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}

/** A copy backed by its own `ArrayBuffer`. */
export const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(bytes.length)
  out.set(bytes)
  return out
}

/**
 * The bytes as a WebCrypto `BufferSource`: the view itself when it lies over an `ArrayBuffer` (WebCrypto copies the
 * bytes when called, so no copy is needed here; a fresh 10 kB buffer per call costs about as much as the hash), a copy
 * only when it lies over a `SharedArrayBuffer`, which WebCrypto refuses.
 */
export const bufferSource = (bytes: Uint8Array): Uint8Array<ArrayBuffer> =>
  bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : own(bytes)

export const toBase64 = (bytes: Uint8Array): string => {
  let binary = ""
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)))
  return btoa(binary)
}

export const fromBase64 = (b64: string): Uint8Array<ArrayBuffer> | undefined => {
  try {
    const binary = atob(b64.replace(/\s+/g, ""))
    const out = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
    return out
  } catch {
    return undefined
  }
}

export const toBase64Url = (bytes: Uint8Array): string =>
  toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

/** Big-endian unsigned integer. */
export const toBigInt = (bytes: Uint8Array): bigint => {
  let hexString = toHex(bytes)
  if (hexString === "") hexString = "0"
  return BigInt(`0x${hexString}`)
}

/** Big-endian, left-padded with zeros to `length` bytes; `undefined` when the value does not fit. */
export const fromBigInt = (value: bigint, length: number): Uint8Array | undefined => {
  const hexString = value.toString(16)
  if (hexString.length > length * 2) return undefined
  return hex(hexString.padStart(length * 2, "0"))
}

/** Strips leading zero bytes (ASN.1 INTEGER sign bytes, padded moduli). */
export const stripLeadingZeros = (bytes: Uint8Array): Uint8Array => {
  let i = 0
  while (i < bytes.length - 1 && bytes[i] === 0) i++
  return bytes.subarray(i)
}

/** PEM → DER for every block with the given label; the input itself when it is not PEM. */
export const pemBlocks = (text: string, label = "CERTIFICATE"): ReadonlyArray<Uint8Array<ArrayBuffer>> => {
  const out: Array<Uint8Array<ArrayBuffer>> = []
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, "g")
  for (const match of text.matchAll(re)) {
    const der = fromBase64(match[1]!)
    if (der !== undefined) out.push(der)
  }
  return out
}

/** Whether the bytes look like PEM text (start with "-----BEGIN" after optional white space). */
export const looksLikePem = (bytes: Uint8Array): boolean => {
  let i = 0
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++
  return bytes[i] === 0x2d && bytes[i + 1] === 0x2d && bytes[i + 2] === 0x2d && bytes[i + 3] === 0x2d
}
