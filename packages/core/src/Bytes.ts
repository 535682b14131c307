/**
 * Byte helpers shared by every layer. Plain functions over `Uint8Array`, no Node built-ins (the core runs in
 * browsers too).
 *
 * @since 0.1.0
 */

/** Upper-case hex without separators, e.g. `"9000"`. */
export const toHex = (bytes: Uint8Array): string => {
  let out = ""
  for (const b of bytes) out += b.toString(16).padStart(2, "0")
  return out.toUpperCase()
}

/**
 * Parses hex, ignoring white space, so that vectors can be pasted from a spec as `"00 A4 04 0C"`.
 * Throws on odd length or a non-hex character: for literals in code and tests only, never for untrusted input.
 */
export const fromHex = (hex: string): Uint8Array => {
  const clean = hex.replace(/\s+/g, "")
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean))
    throw new Error(`invalid hex literal (${clean.length} chars)`)
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16)
  return out
}

export const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array<ArrayBuffer> => {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** XOR of two equal-length arrays. */
export const xor = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length !== b.length) throw new RangeError(`xor of ${a.length} and ${b.length} bytes`)
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!
  return out
}

/** Constant-time comparison for MACs and echoed randoms: the time does not depend on where the arrays differ. */
export const equalConstantTime = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

export const equals = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Big-endian unsigned 16-bit value at `offset` (caller checks bounds). */
export const readUint16 = (bytes: Uint8Array, offset: number): number => (bytes[offset]! << 8) | bytes[offset + 1]!

/** A copy that does not alias the caller's buffer. */
export const copy = (bytes: Uint8Array): Uint8Array => Uint8Array.from(bytes)

/** ASCII bytes of a string of code points < 0x80 (callers validate the string first). */
export const ascii = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f
  return out
}
