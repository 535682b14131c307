/**
 * Bounded caches for public material, keyed by content (byte arrays) or by object identity.
 *
 * Content keys are hashed with FNV-1a and confirmed byte for byte on a hit, so a collision can never return another
 * input's value. Stored keys are copies: a caller mutating its buffer afterwards changes nothing here.
 *
 * @internal
 */

const view = (part: Uint8Array): DataView => new DataView(part.buffer, part.byteOffset, part.byteLength)

/** FNV-1a style over 32-bit little-endian words (then the tail bytes): a quarter of the steps of a byte-wise pass. */
const fnv = (tag: string, parts: ReadonlyArray<Uint8Array>): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 0x01000193)
  for (const part of parts) {
    h = Math.imul(h ^ part.length, 0x01000193)
    const words = part.length & ~3
    const v = view(part)
    let i = 0
    for (; i < words; i += 4) h = Math.imul(h ^ v.getUint32(i, true), 0x01000193)
    for (; i < part.length; i++) h = Math.imul(h ^ part[i]!, 0x01000193)
  }
  return h >>> 0
}

const sameBytes = (x: Uint8Array, y: Uint8Array): boolean => {
  if (x.length !== y.length) return false
  const words = x.length & ~3
  const vx = view(x)
  const vy = view(y)
  let i = 0
  for (; i < words; i += 4) if (vx.getUint32(i, true) !== vy.getUint32(i, true)) return false
  for (; i < x.length; i++) if (x[i] !== y[i]) return false
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

  delete(tag: string, parts: ReadonlyArray<Uint8Array>): void {
    const h = fnv(tag, parts)
    const bucket = this.buckets.get(h)
    if (bucket === undefined) return
    const i = bucket.findIndex((e) => e.tag === tag && sameParts(e.parts, parts))
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
