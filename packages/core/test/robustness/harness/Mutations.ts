// Mutations of valid card data, shared by the parser properties.
import fc from "fast-check"

/** A copy of `bytes` with up to four bytes changed, a window overwritten, its length changed, or all random. */
export const mutated = (bytes: Uint8Array) =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
      const out = bytes.slice()
      for (const [at, xor] of flips) out[at % out.length]! ^= xor
      return out
    }),
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, patch]) => {
      const out = bytes.slice()
      out.set(patch.subarray(0, Math.max(0, out.length - (at % out.length))), at % out.length)
      return out
    }),
    fc.integer({ min: 0, max: bytes.length + 8 }).map((length) => {
      const out = new Uint8Array(length)
      out.set(bytes.subarray(0, length), 0)
      return out
    }),
    fc.uint8Array({ minLength: bytes.length, maxLength: bytes.length })
  )
