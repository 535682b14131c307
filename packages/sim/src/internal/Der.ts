/**
 * A minimal, bounds-checked DER reader for the simulator's test keys (PKCS#8 RSA and EC private keys): single-byte
 * tags, definite lengths up to 4 bytes. Malformed input throws with the caller's label; keys are the simulator's own
 * configuration, so a bad one is a setup error, not card input.
 */

export interface Element {
  readonly tag: number
  readonly value: Uint8Array
  /** Offset just after the element. */
  readonly end: number
}

export const reader = (label: string, makeError: (message: string) => Error = (m) => new Error(m)) => {
  const fail = (what: string): never => {
    throw makeError(`${label}: ${what}`)
  }

  /** One DER element at `offset`, within `bytes`. */
  const readElement = (bytes: Uint8Array, offset: number): Element => {
    if (offset + 2 > bytes.length) fail("truncated DER element")
    const tag = bytes[offset]!
    if ((tag & 0x1f) === 0x1f) fail("multi-byte DER tags are not expected")
    let length = bytes[offset + 1]!
    let header = 2
    if (length & 0x80) {
      const count = length & 0x7f
      if (count === 0 || count > 4) fail("unsupported DER length")
      if (offset + 2 + count > bytes.length) fail("truncated DER length")
      length = 0
      for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!
      header += count
    }
    const start = offset + header
    if (start + length > bytes.length) fail("DER element overruns its container")
    return { tag, value: bytes.subarray(start, start + length), end: start + length }
  }

  /** The elements of a constructed value, in order. */
  const children = (value: Uint8Array): Array<Element> => {
    const out: Array<Element> = []
    let offset = 0
    while (offset < value.length) {
      const element = readElement(value, offset)
      out.push(element)
      offset = element.end
    }
    return out
  }

  return { fail, readElement, children }
}
