/**
 * The card's random number source: scripted values first (to replay a worked example byte for byte), then either a
 * deterministic generator derived from a seed (SHA-256 in counter mode) or `crypto.getRandomValues`.
 *
 * A card validates its script when it is made ({@link checkScript}: every entry must have a length the card can
 * draw). What cannot be known then is which draw reaches which entry (that depends on the commands a test sends),
 * so {@link RandomSource.next} reports an entry of the wrong length as a {@link Draw} `Mismatch` instead of
 * throwing: the card answers a status word and `transmit` keeps its contract.
 *
 * @since 0.1.0
 */
import { sha256 } from "@jpcard/core/crypto"

export type Draw =
  | { readonly _tag: "Bytes"; readonly bytes: Uint8Array }
  /** The next scripted entry has another length; it stays queued. `message` names the option and the entry. */
  | { readonly _tag: "Mismatch"; readonly message: string }

export interface RandomSource {
  /**
   * `length` random bytes for `what`: the next scripted entry when one is queued and has exactly that length, the
   * fallback generator once the script is used up, else a `Mismatch` (nothing is consumed).
   */
  readonly next: (length: number, what: string) => Draw
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

/**
 * Validates a `randoms` option when the card is made: an array of `Uint8Array`s, each accepted by `check` (given
 * the entry and the one before it), which returns what is wrong or `undefined`. Throws a `RangeError`
 * `randoms[i]: …` naming the first bad entry. Returns copies, so later changes by the caller do not reach the card.
 */
export const checkScript = (
  script: ReadonlyArray<Uint8Array> | undefined,
  check: (entry: Uint8Array, previous: Uint8Array | undefined) => string | undefined
): ReadonlyArray<Uint8Array> => {
  if (script === undefined) return []
  if (!Array.isArray(script)) throw new RangeError("randoms: expected an array of Uint8Array")
  return script.map((entry: unknown, index) => {
    if (!(entry instanceof Uint8Array)) throw new RangeError(`randoms[${index}]: expected a Uint8Array`)
    const problem = check(entry, index === 0 ? undefined : script[index - 1])
    if (problem !== undefined) throw new RangeError(`randoms[${index}]: ${problem}, got ${entry.length} bytes`)
    return Uint8Array.from(entry)
  })
}

export const make = (options: {
  readonly seed?: number | string | undefined
  /** What {@link checkScript} returned: validated, and already copies of the caller's arrays. */
  readonly script?: ReadonlyArray<Uint8Array> | undefined
}): RandomSource => {
  const queue = [...(options.script ?? [])]
  const fallback = options.seed === undefined ? fresh : seeded(options.seed)
  let consumed = 0
  return {
    next: (length, what) => {
      const scripted = queue[0]
      if (scripted === undefined) return { _tag: "Bytes", bytes: fallback(length) }
      if (scripted.length !== length) {
        return {
          _tag: "Mismatch",
          message:
            `randoms[${consumed}] has ${scripted.length} bytes, but the card draws ${length} bytes for ${what} here: ` +
            "the script does not follow the commands sent (the entry stays queued)"
        }
      }
      queue.shift()
      consumed++
      return { _tag: "Bytes", bytes: scripted }
    }
  }
}
