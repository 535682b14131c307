// Content-keyed caches: a hit only for the same tag and the same bytes, whatever the views' alignment (aligned views
// are hashed and compared through 32-bit words, others through a DataView); never another input's value.
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { ByteCache, sameBytes } from "../src/internal/cache.js"

/** `bytes` as a view starting `offset` bytes into a larger buffer (offset 1–3: not 4-byte aligned). */
const at = (bytes: Uint8Array, offset: number): Uint8Array => {
  const buffer = new Uint8Array(bytes.length + offset + 3).fill(0xa5)
  buffer.set(bytes, offset)
  return buffer.subarray(offset, offset + bytes.length)
}

describe("sameBytes (what confirms every hit)", () => {
  it("agrees with Buffer.equals at any alignment, a difference at any position included", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 130 }),
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        fc.nat(),
        fc.boolean(),
        (bytes, xOffset, yOffset, position, change) => {
          const other = bytes.slice()
          if (change && other.length > 0) other[position % other.length]! ^= 0x80 >> (position % 8)
          const expected = Buffer.from(bytes).equals(Buffer.from(other))
          expect(sameBytes(at(bytes, xOffset), at(other, yOffset))).toBe(expected)
          expect(sameBytes(at(bytes, xOffset), at(other.subarray(0, Math.max(0, other.length - 1)), yOffset))).toBe(
            bytes.length === 0
          )
        }
      ),
      { numRuns: 600 }
    )
  })
})

describe("ByteCache", () => {
  it("finds an entry by equal bytes at any alignment, and only by them", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        fc.nat(),
        (bytes, setOffset, getOffset, position) => {
          const cache = new ByteCache<string>(16)
          cache.set("t", [at(bytes, setOffset)], "value")
          expect(cache.get("t", [at(bytes, getOffset)])).toBe("value")
          expect(cache.get("u", [at(bytes, getOffset)])).toBeUndefined()
          if (bytes.length > 0) {
            const changed = bytes.slice()
            changed[position % bytes.length]! ^= 1 << (position % 8)
            expect(cache.get("t", [at(changed, getOffset)])).toBeUndefined()
          }
          expect(cache.get("t", [at(bytes, getOffset), new Uint8Array(0)])).toBeUndefined()
          expect(cache.get("t", [at(Uint8Array.of(...bytes, 0), getOffset)])).toBeUndefined()
        }
      ),
      { numRuns: 400 }
    )
  })

  it("keeps its own copy of the key: changing the caller's buffer afterwards changes nothing", () => {
    const cache = new ByteCache<number>(4)
    const key = Uint8Array.from({ length: 64 }, (_, i) => i)
    cache.set("k", [key], 1)
    const original = key.slice()
    key[10] = 0xff
    expect(cache.get("k", [key])).toBeUndefined()
    expect(cache.get("k", [original])).toBe(1)
  })

  it("tells parts apart from their concatenation", () => {
    const cache = new ByteCache<string>(4)
    cache.set("k", [Uint8Array.of(1, 2, 3, 4), Uint8Array.of(5, 6, 7, 8)], "two parts")
    expect(cache.get("k", [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)])).toBeUndefined()
    expect(cache.get("k", [Uint8Array.of(1, 2, 3, 4), Uint8Array.of(5, 6, 7, 8)])).toBe("two parts")
  })

  it("deletes an entry, or with `only` just that value (a late failure must not drop the entry that replaced it)", () => {
    const cache = new ByteCache<object>(4)
    const key = [Uint8Array.of(1, 2, 3, 4, 5)]
    const first = {}
    const second = {}
    cache.set("k", key, first)
    cache.delete("k", key)
    expect(cache.get("k", key)).toBeUndefined()
    cache.set("k", key, second)
    cache.delete("k", key, first)
    expect(cache.get("k", key)).toBe(second)
    cache.delete("k", key, second)
    expect(cache.get("k", key)).toBeUndefined()
  })

  it("is bounded: past its limit it starts afresh", () => {
    const cache = new ByteCache<number>(3)
    for (let i = 0; i < 3; i++) cache.set("k", [Uint8Array.of(i)], i)
    expect(cache.get("k", [Uint8Array.of(0)])).toBe(0)
    cache.set("k", [Uint8Array.of(9)], 9)
    expect(cache.get("k", [Uint8Array.of(0)])).toBeUndefined()
    expect(cache.get("k", [Uint8Array.of(9)])).toBe(9)
  })
})
