// A simulated first-generation residence card read end to end through pcscd and the virtual reader, exactly as from
// a real reader: whole reads (extended and short APDUs), a card pulled out mid-read, an interrupted read.
import { assert, describe, it } from "@effect/vitest"
import { ResidenceCard } from "@jpcard/core"
import { toHex } from "@jpcard/core/Bytes"
import { TransportError } from "@jpcard/core/transport/CardTransport"
import * as ResidenceGen1 from "@jpcard/sim/residence/Gen1Card"
import type { VpcdEvent } from "@jpcard/sim/vpcd/Vpcd"
import { Deferred, Effect, Exit, Fiber } from "effect"
import * as Pcsc from "../../src/Pcsc.js"
import * as PcscTransport from "../../src/PcscTransport.js"
import * as Readers from "../../src/Readers.js"
import { check, usePcscd } from "./support.js"

const status = await check("residence.test.ts", true)
const READER = "Virtual PCD 00 00"
const NUMBER = ResidenceGen1.DEFAULT_CARD_NUMBER

/** The harness keeps one PC/SC context of its own. */
const baseline = () => ({ cards: 0, contexts: 1 })

const failureOf = (exit: Exit.Exit<unknown, unknown>): unknown =>
  Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail")?.error : undefined

describe.runIf(status.run)("PC/SC end to end: a gen-1 residence card", { timeout: 60_000 }, () => {
  const pcscd = usePcscd()

  const timedRead = (options: PcscTransport.SessionOptions, label: string) =>
    Effect.gen(function* () {
      const card = ResidenceGen1.make({ seed: 7 })
      const link = yield* Effect.promise(() => pcscd.get().insert(0, card))
      const started = performance.now()
      const result = yield* ResidenceCard.read(NUMBER).pipe(
        Effect.provide(PcscTransport.layer({ reader: READER, ...options }))
      )
      const ms = performance.now() - started
      const apdus = link.session.commands()
      console.info(
        `[transport-pcsc e2e] ${label}: ${apdus} APDUs in ${ms.toFixed(1)} ms (${(ms / apdus).toFixed(2)} ms per APDU, ${pcscd.get().mode}${pcscd.get().quickack ? " + quickack" : ""})`
      )
      yield* Effect.promise(() => pcscd.get().remove(0))
      return { card, result, apdus }
    })

  it.live("reads every file with extended APDUs, 15 APDUs, the same bytes as the card holds", () =>
    Effect.gen(function* () {
      const { card, result, apdus } = yield* timedRead({}, "full gen-1 read, extended length")
      assert.strictEqual(apdus, 15)
      assert.strictEqual(result.generation, 1)
      if (result.generation !== 1) return
      assert.strictEqual(result.cardType, "1")
      assert.strictEqual(result.filesRead.length, 7)
      assert.strictEqual(toHex(result.frontImage!.data), toHex(card.files.df1.ef01.subarray(4)))
      assert.strictEqual(result.faceImage?.data.length, 3000)
      assert.strictEqual(result.signature?.checkCode.length, 256)
      assert.strictEqual(result.renewalApplication, "none")
      assert.deepStrictEqual(Pcsc.openHandles(), baseline(), "every handle released")
    })
  )

  it.live("reads the same data with short APDUs only (61 APDUs)", () =>
    Effect.gen(function* () {
      const extended = yield* timedRead({}, "full gen-1 read, extended length (again)")
      const short = yield* timedRead({ extendedLength: false }, "full gen-1 read, short APDUs")
      assert.strictEqual(short.apdus, 61)
      assert.deepStrictEqual(short.result.raw, extended.result.raw)
    })
  )

  it.live("card removed mid-read: CardRemoved, no partial result, session released; the next read succeeds", () =>
    Effect.gen(function* () {
      const harness = pcscd.get()
      // The card leaves the field on its 9th APDU (inside the DF1 secure-messaging reads), unanswered.
      yield* Effect.promise(() =>
        harness.insert(0, ResidenceGen1.make({ seed: 8 }), {
          beforeCommand: (_, index) => (index === 8 ? "remove" : undefined)
        })
      )
      let result: unknown
      const exit = yield* Effect.exit(
        ResidenceCard.read(NUMBER).pipe(
          Effect.tap((r) => Effect.sync(() => (result = r))),
          Effect.provide(PcscTransport.layer({ reader: READER }))
        )
      )
      const error = failureOf(exit)
      assert.instanceOf(error, TransportError)
      assert.strictEqual((error as TransportError).reason, "CardRemoved")
      assert.match((error as TransportError).message, /keep it still on the reader and read again/)
      assert.isUndefined(result, "no partial result")
      assert.deepStrictEqual(Pcsc.openHandles(), baseline(), "session and context released")
      assert.isTrue(harness.alive(), "pcscd survived")
      yield* Effect.promise(() => harness.waitFor(0, false))

      // Put a card back: it reads.
      const card = ResidenceGen1.make({ seed: 9 })
      yield* Effect.promise(() => harness.insert(0, card))
      const again = yield* ResidenceCard.read(NUMBER).pipe(Effect.provide(PcscTransport.layer({ reader: READER })))
      assert.strictEqual(again.generation, 1)
      if (again.generation === 1)
        assert.strictEqual(toHex(again.frontImage!.data), toHex(card.files.df1.ef01.subarray(4)))
      yield* Effect.promise(() => harness.remove(0))
    })
  )

  it.live("an interrupted read releases the session and resets the card; the next read succeeds", () =>
    Effect.gen(function* () {
      const harness = pcscd.get()
      const reached = yield* Deferred.make<void>()
      const events: Array<VpcdEvent> = []
      yield* Effect.promise(() =>
        harness.insert(0, ResidenceGen1.make({ seed: 10 }), {
          onEvent: (e) => void events.push(e),
          beforeCommand: (_, index) => {
            if (index === 5) Deferred.doneUnsafe(reached, Exit.void)
            return undefined
          }
        })
      )
      const fiber = yield* Effect.forkChild(
        ResidenceCard.read(NUMBER).pipe(Effect.provide(PcscTransport.layer({ reader: READER })))
      )
      yield* Deferred.await(reached)
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(Pcsc.openHandles(), baseline())
      // the release reset the card (vpcd's reset, or a power cycle), so no authenticated state survives
      const after = events.slice(events.findIndex((e) => e._tag === "Command" && e.index === 5))
      assert.isTrue(
        after.some((e) => e._tag === "Control" && (e.control === "Reset" || e.control === "PowerOff")),
        `expected a reset after the interruption, saw ${after.map((e) => (e._tag === "Control" ? e.control : e._tag)).join(",")}`
      )
      const readers = yield* Readers.list.pipe(Effect.provide(Pcsc.layer))
      assert.isFalse(readers.find((r) => r.name === READER)?.inUse)
      const again = yield* ResidenceCard.read(NUMBER).pipe(Effect.provide(PcscTransport.layer({ reader: READER })))
      assert.strictEqual(again.generation, 1)
      yield* Effect.promise(() => harness.remove(0))
    })
  )
})
