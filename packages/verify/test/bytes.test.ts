// Byte helpers: hex in both directions agrees with Node's Buffer on every length (the long-input path writes ASCII
// bytes and decodes them once; the short one concatenates pairs), views with an offset included.
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { fromHex, toHex } from "../src/internal/bytes.js"

describe("toHex / fromHex", () => {
  it("match Buffer's hex for any bytes, any length, any view offset", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), fc.nat({ max: 7 }), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length))
        const expected = Buffer.from(view).toString("hex")
        expect(toHex(view)).toBe(expected)
        expect(fromHex(expected)).toEqual(Uint8Array.from(view))
      }),
      { numRuns: 300 }
    )
  })
  it("every byte value, on both paths", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(toHex(all)).toBe(Buffer.from(all).toString("hex"))
    for (let i = 0; i < 256; i++) expect(toHex(all.subarray(i, i + 1))).toBe(Buffer.from([i]).toString("hex"))
  })
})
