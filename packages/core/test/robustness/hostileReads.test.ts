// A card that answers READ BINARY with fewer bytes than asked: one byte at a time, or none, with 90 00, 62 82 (end of
// file reached before Le bytes, ISO/IEC 7816-4) or 6B 00. 62 82, 6B 00 and an empty answer announce the end of the
// file: the reader never asks past it, so it sends no more READ BINARYs than the clean read does. A short answer with
// 90 00 may come from an applet with a small APDU buffer: it is read on, within one READ BINARY per 64 bytes of the
// data object. Every My Number TLV read ends in its result or one typed error naming its step.

import { SimTransport } from "@jpcard/sim"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { Effect, Layer } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { concat, fromHex } from "../../src/Bytes.js"
import { CardDataError } from "../../src/mynumber/Errors.js"
import * as Jpki from "../../src/mynumber/jpki/Jpki.js"
import { CardTransport, make as makeTransport, shortOnly } from "../../src/transport/CardTransport.js"
import * as TestTransport from "../../src/transport/TestTransport.js"
import { dataOf, type Exchange, statusOf } from "./harness/Faults.js"
import { checkFailure } from "./harness/Oracles.js"
import { outcomeOf } from "./harness/Outcome.js"
import { type Link, links, run, runWith, type Scenario } from "./harness/Scenario.js"
import { jpkiCertificates, kenhojoWithPin, kenkakuWithNumberA } from "./scenarios/MyNumber.js"

const isReadBinary = (command: Uint8Array) => command[1] === 0xb0

const readBinaries = (exchanges: ReadonlyArray<Exchange>) => exchanges.filter((e) => isReadBinary(e.command)).length

/** The data bytes the READ BINARYs of a read brought. */
const bytesRead = (exchanges: ReadonlyArray<Exchange>) =>
  exchanges
    .filter((e) => isReadBinary(e.command))
    .reduce((n, e) => n + (e.delivered === undefined ? 0 : dataOf(e.delivered).length), 0)

/** How the card cuts its answers: from the `from`-th READ BINARY on, at most `keep` bytes, with status `sw`. */
interface Dribble {
  readonly from: number
  readonly keep: number
  readonly sw: number
}

const dribble: fc.Arbitrary<Dribble> = fc.record({
  from: fc.nat(6),
  keep: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.nat(2000)),
  sw: fc.constantFrom(0x9000, 0x6282, 0x6b00)
})

const dribbling =
  (d: Dribble, link: Link) =>
  (card: SimulatedCard): ReturnType<typeof makeTransport> => {
    const inner = SimTransport.make(card, links[link]).transport
    let reads = 0
    return makeTransport({
      capabilities: inner.capabilities,
      transmit: (command) =>
        Effect.map(inner.transmit(command), (response) => {
          if (!isReadBinary(command) || statusOf(response) !== 0x9000 || reads++ < d.from) return response
          const data = dataOf(response)
          if (data.length <= d.keep && d.sw === 0x9000) return response
          return concat(data.subarray(0, d.keep), Uint8Array.of(d.sw >> 8, d.sw & 0xff))
        })
    })
  }

const clean = new Map<string, { readonly reads: number; readonly bytes: number }>()

const property = <A, C extends SimulatedCard>(scenario: Scenario<A, C>) =>
  fc.property(fc.constantFrom<Link>("extended", "short", "rejectsExtended", "ios"), dribble, (link, d) => {
    const key = `${scenario.name}/${link}`
    if (!clean.has(key)) {
      const exchanges = run(scenario, link, []).faulty.exchanges
      clean.set(key, { reads: readBinaries(exchanges), bytes: bytesRead(exchanges) })
    }
    const { reads: cleanReads, bytes } = clean.get(key)!
    const result = runWith(scenario, dribbling(d, link), [])
    const reads = readBinaries(result.faulty.exchanges)
    // An announced end (62 82, 6B 00, nothing): never a READ BINARY more than the clean read. Short answers with
    // 90 00: read on, at most one READ BINARY per 64 bytes of the files, plus one per file.
    const bound = d.sw !== 0x9000 || d.keep === 0 ? cleanReads : cleanReads + Math.ceil(bytes / 64) + cleanReads
    assert.isAtMost(reads, bound, `${reads} READ BINARYs where the bound is ${bound}`)
    if (result.outcome._tag === "Success") scenario.assertComplete(result.outcome.value, result.card)
    else
      checkFailure(
        scenario,
        result.outcome.error,
        result.card,
        (makeTwin) => runWith(scenario, dribbling(d, link), [], makeTwin).outcome
      )
  })

// One byte per answer made the reader go on after every end of file, one APDU per byte of the declared length.
const oneByteAtATime: Array<[Link, Dribble]> = [
  ["short", { from: 1, keep: 1, sw: 0x6282 }],
  ["short", { from: 1, keep: 1, sw: 0x9000 }],
  ["ios", { from: 1, keep: 1, sw: 0x6282 }]
]

describe("a card that cuts its READ BINARY answers short", () => {
  it("JPKI certificates", () => fc.assert(property(jpkiCertificates), { numRuns: 60, examples: oneByteAtATime }))
  it("kenhojo", () => fc.assert(property(kenhojoWithPin), { numRuns: 60, examples: oneByteAtATime }))
  it("kenkaku", () => fc.assert(property(kenkakuWithNumberA), { numRuns: 60, examples: oneByteAtATime }))
})

describe("regressions: a TLV file read one byte per APDU", () => {
  /**
   * A JPKI card on a short-only link whose authentication certificate EF is `file`: READ BINARY at offset 0 answers
   * its first 256 bytes, any later offset what `later` says. Counts the READ BINARYs.
   */
  const readWith = (file: Uint8Array, later: (offset: number, le: number) => Uint8Array) => {
    let reads = 0
    const card = TestTransport.fromFunction((command) => {
      if (!isReadBinary(command)) return fromHex("90 00")
      reads++
      const offset = ((command[2]! & 0x7f) << 8) | command[3]!
      const le = command[4] || 256
      return offset === 0 ? concat(file.subarray(0, le), fromHex("90 00")) : later(offset, le)
    }, shortOnly)
    const exit = Effect.runSyncExit(
      Jpki.readCertificate("authentication").pipe(Effect.provide(Layer.succeed(CardTransport, card)))
    )
    return { outcome: outcomeOf(exit), reads }
  }

  /** A DER SEQUENCE of 32 752 value bytes: the largest READ BINARY's 15-bit offsets reach, near enough. */
  const large = concat(fromHex("30 82 7F F0"), new Uint8Array(0x7ff0))

  it("one byte with 62 82 (end of file before Le bytes) ends the file: a CardDataError after the second READ BINARY, not 32 500 of them", () => {
    const { outcome, reads } = readWith(large, (offset) => concat(large.subarray(offset, offset + 1), fromHex("62 82")))
    assert.strictEqual(reads, 2)
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag !== "Failure") return
    assert.instanceOf(outcome.error, CardDataError)
    assert.include(outcome.error.message, "mynumber.jpki.read.authenticationCertificate")
    assert.include(outcome.error.message, "jpki EF000A")
    assert.include(outcome.error.message, "the file ends at byte 257")
  })

  it("one byte with 90 00 each time: refused within one READ BINARY per 64 bytes, not 32 500 of them", () => {
    const { outcome, reads } = readWith(large, (offset) => concat(large.subarray(offset, offset + 1), fromHex("90 00")))
    // The first answer (256 bytes), then the budget: ⌈(32 756 − 256) / 64⌉ + 1 = 509.
    assert.strictEqual(reads, 1 + Math.ceil((large.length - 256) / 64) + 1)
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag !== "Failure") return
    assert.instanceOf(outcome.error, CardDataError)
    assert.include(outcome.error.message, "jpki EF000A")
    assert.include(outcome.error.message, "in pieces too small to read")
  })

  it("an applet answering at most 128 bytes with 90 00 (a small APDU buffer) is read whole", () => {
    const der = concat(
      fromHex("30 82 04 FC"),
      Uint8Array.from({ length: 0x4fc }, (_, i) => i & 0xff)
    )
    const { outcome, reads } = readWith(der, (offset, le) =>
      concat(der.subarray(offset, offset + Math.min(le, 128)), fromHex("90 00"))
    )
    assert.strictEqual(outcome._tag, "Success")
    if (outcome._tag !== "Success") return
    assert.deepEqual(outcome.value, der)
    // 256 bytes first, then the remaining 1 024 in answers of 128.
    assert.strictEqual(reads, 1 + Math.ceil((der.length - 256) / 128))
  })

  it("a declared length beyond READ BINARY's reach is refused after the first READ BINARY", () => {
    // 30 84 00 10 00 00: a million bytes. The card answers 256 bytes at every offset, as if the file had no end.
    const header = fromHex("30 84 00 10 00 00")
    const { outcome, reads } = readWith(concat(header, new Uint8Array(250)), () =>
      concat(new Uint8Array(256), fromHex("90 00"))
    )
    assert.strictEqual(reads, 1)
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag !== "Failure") return
    assert.instanceOf(outcome.error, CardDataError)
    assert.include(outcome.error.message, "beyond READ BINARY's reach")
  })
})
