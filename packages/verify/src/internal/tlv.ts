/**
 * A small BER-TLV reader for the card records (ISO/IEC 7816-4 data objects such as `FF30 { DF31, DF32, DF33 }`), with
 * exact offsets: record signatures cover "the TLVs as written", header bytes included, so the verifier slices the
 * input rather than re-encoding. X.509 goes through asn1js instead (see X509.ts).
 *
 * @internal
 */

export interface Tlv {
  /** The tag as an unsigned integer of its bytes, e.g. `0xdf31`, `0x7f21`. */
  readonly tag: number
  readonly constructed: boolean
  /** Offset of the first tag byte. */
  readonly start: number
  /** Offset of the first value byte. */
  readonly valueStart: number
  /** Offset after the last value byte. */
  readonly end: number
}

export class TlvError extends Error {}

/** Reads one TLV at `offset`; throws `TlvError` on a truncated or malformed header. */
export const readAt = (bytes: Uint8Array, offset: number, limit = bytes.length): Tlv => {
  let p = offset
  if (p >= limit) throw new TlvError(`no data object at byte ${offset}`)
  const first = bytes[p++]!
  let tag = first
  if ((first & 0x1f) === 0x1f) {
    let count = 0
    let next: number
    do {
      if (p >= limit) throw new TlvError(`tag truncated at byte ${offset}`)
      next = bytes[p++]!
      tag = tag * 256 + next
      if (++count > 3) throw new TlvError(`tag too long at byte ${offset}`)
    } while (next & 0x80)
  }
  if (p >= limit) throw new TlvError(`length missing at byte ${offset}`)
  const l0 = bytes[p++]!
  let length: number
  if (l0 < 0x80) length = l0
  else if (l0 === 0x80) throw new TlvError(`indefinite length at byte ${offset}`)
  else {
    const n = l0 & 0x7f
    if (n > 3) throw new TlvError(`length of ${n} bytes at byte ${offset}`)
    if (p + n > limit) throw new TlvError(`length truncated at byte ${offset}`)
    length = 0
    for (let i = 0; i < n; i++) length = length * 256 + bytes[p++]!
  }
  const end = p + length
  if (end > limit) throw new TlvError(`data object at byte ${offset} runs ${end - limit} bytes past its container`)
  return { tag, constructed: (first & 0x20) !== 0, start: offset, valueStart: p, end }
}

/**
 * The data objects filling `[from, to)` exactly. With `filler`, stops at trailing filler: `FF` or `00` bytes where a
 * tag would start (card files carry `FF` filler after the last object, some `00` padding); never inside a template.
 */
export const children = (bytes: Uint8Array, from: number, to: number, filler = false): ReadonlyArray<Tlv> => {
  const out: Array<Tlv> = []
  let p = from
  while (p < to) {
    const b = bytes[p]!
    if (filler && (b === 0xff || b === 0x00)) {
      // Filler only if everything left is filler of the same kind; FF also starts two-byte private tags (FF20).
      let q = p
      while (q < to && bytes[q] === b) q++
      if (q === to) break
      if (b === 0x00) throw new TlvError(`zero bytes followed by data at byte ${p}`)
    }
    const tlv = readAt(bytes, p, to)
    out.push(tlv)
    p = tlv.end
  }
  return out
}

/** The outer template with `tag` at the start of `bytes`, and its children. */
export const template = (
  bytes: Uint8Array,
  tag: number
): { readonly outer: Tlv; readonly items: ReadonlyArray<Tlv> } => {
  const outer = readAt(bytes, 0)
  if (outer.tag !== tag)
    throw new TlvError(
      `template ${tag.toString(16).toUpperCase()} expected, found ${outer.tag.toString(16).toUpperCase()}`
    )
  const rest = bytes.subarray(outer.end)
  for (let i = 0; i < rest.length; i++)
    if (rest[i] !== 0xff && rest[i] !== 0x00)
      throw new TlvError(`data after the ${tag.toString(16).toUpperCase()} template`)
  return { outer, items: children(bytes, outer.valueStart, outer.end) }
}

export const find = (items: ReadonlyArray<Tlv>, tag: number): Tlv | undefined => items.find((t) => t.tag === tag)

export const value = (bytes: Uint8Array, tlv: Tlv): Uint8Array => bytes.subarray(tlv.valueStart, tlv.end)
export const whole = (bytes: Uint8Array, tlv: Tlv): Uint8Array => bytes.subarray(tlv.start, tlv.end)
