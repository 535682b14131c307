/**
 * BER-TLV encoding as the My Number card's 券面 applications write it (reference §7): one- or two-byte tags (the
 * private `DFxx` / `FFxx` and application `5F4E`, `5F37`, `7F21` tags are always two bytes, even for tag numbers
 * below 31) and definite lengths `00`–`7F`, `81 XX`, `82 XX XX`. The simulator's own encoder.
 *
 * @since 0.1.0
 */
import { concat } from "@jpcard/core/Bytes"
import { encodeLength } from "../internal/Tlv.js"

/** The tag bytes: `0x00`–`0xFF` is one byte, `0x0100`–`0xFFFF` two. */
export const tagBytes = (tag: number): Uint8Array => {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff) throw new RangeError(`tag ${tag}`)
  return tag > 0xff ? Uint8Array.of(tag >> 8, tag & 0xff) : Uint8Array.of(tag)
}

/** `tag ‖ L ‖ value`. */
export const tlv = (tag: number, value: Uint8Array): Uint8Array =>
  concat(tagBytes(tag), encodeLength(value.length), value)

/** `tag ‖ L ‖ children…`. */
export const constructed = (tag: number, ...children: ReadonlyArray<Uint8Array>): Uint8Array =>
  tlv(tag, concat(...children))

/** Header size (tag + length bytes) of a TLV with this tag and value length. */
export const headerSize = (tag: number, length: number): number => tagBytes(tag).length + encodeLength(length).length
