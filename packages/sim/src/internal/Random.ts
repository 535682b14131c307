/**
 * The card's random number source: scripted values first (to replay a worked example byte for byte), then either a
 * deterministic generator derived from a seed (SHA-256 in counter mode) or `crypto.getRandomValues`.
 *
 * @since 0.1.0
 */
import { sha256 } from "@jpcard/core/crypto"

export interface RandomSource {
  /** `length` random bytes; a scripted value, when one is queued, must have exactly that length. */
  readonly next: (length: number, what: string) => Uint8Array
}

const encoder = new TextEncoder()

/** SHA-256(`jpcard-sim-seed:` ‖ seed ‖ counter) blocks, concatenated. Same seed, same byte stream. */
const seeded = (seed: number | string): ((length: number) => Uint8Array) => {
  const seedBytes = encoder.encode(`jpcard-sim-seed:${typeof seed}:${String(seed)}`)
  let counter = 0
  let buffer = new Uint8Array(0)
  return (length) => {
    while (buffer.length < length) {
      const input = new Uint8Array(seedBytes.length + 8)
      input.set(seedBytes, 0)
      new DataView(input.buffer).setBigUint64(seedBytes.length, BigInt(counter++))
      const block = sha256(input)
      const grown = new Uint8Array(buffer.length + block.length)
      grown.set(buffer, 0)
      grown.set(block, buffer.length)
      buffer = grown
    }
    const out = buffer.slice(0, length)
    buffer = buffer.slice(length)
    return out
  }
}

const fresh = (length: number): Uint8Array => {
  const out = new Uint8Array(length)
  globalThis.crypto.getRandomValues(out)
  return out
}

export const make = (options: {
  readonly seed?: number | string | undefined
  readonly script?: ReadonlyArray<Uint8Array> | undefined
}): RandomSource => {
  const queue = (options.script ?? []).map((bytes) => Uint8Array.from(bytes))
  const fallback = options.seed === undefined ? fresh : seeded(options.seed)
  return {
    next: (length, what) => {
      const scripted = queue.shift()
      if (scripted === undefined) return fallback(length)
      if (scripted.length !== length) {
        throw new RangeError(`scripted random for ${what}: expected ${length} bytes, got ${scripted.length}`)
      }
      return scripted
    }
  }
}
