/**
 * BER-TLV encoding as the residence card uses it (在留カード等仕様書 Ver 1.5 §3.2.3.1, 図3-2, p. 7): a one-byte tag
 * and a 1–3 byte length (`00`–`7F`, `81 XX`, `82 XX XX`). The simulator's own encoder.
 *
 * @since 0.1.0
 */

/** The BER length field for `length` (0–65535). */
export const encodeLength = (length: number): Uint8Array => {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) throw new RangeError(`TLV length ${length}`)
  if (length < 0x80) return Uint8Array.of(length)
  if (length < 0x100) return Uint8Array.of(0x81, length)
  return Uint8Array.of(0x82, length >> 8, length & 0xff)
}

/** `tag ‖ L ‖ value` with a one-byte tag. */
export const tlv = (tag: number, value: Uint8Array): Uint8Array => {
  const length = encodeLength(value.length)
  const out = new Uint8Array(1 + length.length + value.length)
  out[0] = tag
  out.set(length, 1)
  out.set(value, 1 + length.length)
  return out
}

/** `value` copied into a zero-filled array of `size` bytes (fixed-length data objects). */
export const zeroPad = (value: Uint8Array, size: number, what: string): Uint8Array => {
  if (value.length > size) throw new RangeError(`${what}: ${value.length} bytes exceed the ${size}-byte field`)
  const out = new Uint8Array(size)
  out.set(value, 0)
  return out
}
