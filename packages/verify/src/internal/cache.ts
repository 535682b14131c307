/**
 * Bounded caches for public material, keyed by content (byte arrays) or by object identity.
 *
 * Content keys are hashed with FNV-1a and confirmed byte for byte on a hit, so a collision can never return another
 * input's value. Stored keys are copies: a caller mutating its buffer afterwards changes nothing here.
 *
 * @internal
 */

const view = (part: Uint8Array): DataView => new DataView(part.buffer, part.byteOffset, part.byteLength)

/** The whole 32-bit words of `part` as an `Int32Array` when it is 4-byte aligned (V8 reads those fastest). */
const words32 = (part: Uint8Array): Int32Array | undefined =>
  (part.byteOffset & 3) === 0 ? new Int32Array(part.buffer, part.byteOffset, part.length >> 2) : undefined

const FNV_PRIME = 0x01000193

/**
 * FNV-1a style over 32-bit words in two interleaved lanes (then the tail bytes): a quarter of the steps of a byte-wise
 * pass, and two independent multiply chains. Not collision resistant, and it need not be: every hit is confirmed byte
 * for byte.
 */
const fnv = (tag: string, parts: ReadonlyArray<Uint8Array>): number => {
  let h = 0x811c9dc5
  let g = 0x050c5d1f
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), FNV_PRIME)
  for (const part of parts) {
    h = Math.imul(h ^ part.length, FNV_PRIME)
    const n = part.length >> 2
    const a = words32(part)
    let i = 0
    if (a !== undefined)
      for (; i + 1 < n; i += 2) {
        h = Math.imul(h ^ a[i]!, FNV_PRIME)
        g = Math.imul(g ^ a[i + 1]!, FNV_PRIME)
      }
    else {
      const v = view(part)
      for (; i + 1 < n; i += 2) {
        h = Math.imul(h ^ v.getInt32(4 * i, true), FNV_PRIME)
        g = Math.imul(g ^ v.getInt32(4 * i + 4, true), FNV_PRIME)
      }
    }
    for (let j = 4 * i; j < part.length; j++) h = Math.imul(h ^ part[j]!, FNV_PRIME)
  }
  return (h ^ Math.imul(g, 0x27d4eb2d)) >>> 0
}

/** Byte-for-byte equality (exported for tests). */
export const sameBytes = (x: Uint8Array, y: Uint8Array): boolean => {
  if (x.length !== y.length) return false
  const n = x.length >> 2
  const a = words32(x)
  const b = words32(y)
  let i = 0
  if (a !== undefined && b !== undefined) {
    for (; i < n; i++) if (a[i] !== b[i]) return false
  } else {
    const vx = view(x)
    const vy = view(y)
    for (; i < n; i++) if (vx.getInt32(4 * i, true) !== vy.getInt32(4 * i, true)) return false
  }
  for (let j = 4 * n; j < x.length; j++) if (x[j] !== y[j]) return false
  return true
}

const sameParts = (a: ReadonlyArray<Uint8Array>, b: ReadonlyArray<Uint8Array>): boolean => {
  if (a.length !== b.length) return false
  for (let p = 0; p < a.length; p++) if (!sameBytes(a[p]!, b[p]!)) return false
  return true
}

interface Entry<V> {
  readonly tag: string
  readonly parts: ReadonlyArray<Uint8Array>
  readonly value: V
}

export class ByteCache<V> {
  private readonly buckets = new Map<number, Array<Entry<V>>>()
  private count = 0
  constructor(private readonly limit: number) {}

  get(tag: string, parts: ReadonlyArray<Uint8Array>): V | undefined {
    const bucket = this.buckets.get(fnv(tag, parts))
    if (bucket === undefined) return undefined
    for (const entry of bucket) if (entry.tag === tag && sameParts(entry.parts, parts)) return entry.value
    return undefined
  }

  set(tag: string, parts: ReadonlyArray<Uint8Array>, value: V): void {
    if (this.count >= this.limit) this.clear()
    const h = fnv(tag, parts)
    let bucket = this.buckets.get(h)
    if (bucket === undefined) {
      bucket = []
      this.buckets.set(h, bucket)
    }
    bucket.push({ tag, parts: parts.map((p) => p.slice()), value })
    this.count++
  }

  /** Removes the entry for these bytes; with `only`, only when its value is that one. */
  delete(tag: string, parts: ReadonlyArray<Uint8Array>, only?: V): void {
    const h = fnv(tag, parts)
    const bucket = this.buckets.get(h)
    if (bucket === undefined) return
    const i = bucket.findIndex(
      (e) => e.tag === tag && sameParts(e.parts, parts) && (only === undefined || e.value === only)
    )
    if (i >= 0) {
      bucket.splice(i, 1)
      this.count--
    }
  }

  clear(): void {
    this.buckets.clear()
    this.count = 0
  }
}

/** A WeakMap from objects to small maps, for results that depend on two objects (a signed object and a key). */
export class PairCache<A extends object, B extends object, V> {
  private map = new WeakMap<A, Map<B, V>>()
  get(a: A, b: B): V | undefined {
    return this.map.get(a)?.get(b)
  }
  set(a: A, b: B, value: V): void {
    let inner = this.map.get(a)
    if (inner === undefined) {
      inner = new Map()
      this.map.set(a, inner)
    }
    if (inner.size >= 64) inner.clear()
    inner.set(b, value)
  }
  clear(): void {
    this.map = new WeakMap()
  }
}
