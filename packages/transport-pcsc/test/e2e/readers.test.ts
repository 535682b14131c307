// End to end through pcscd and the vsmartcard virtual reader: readers, events, sessions and the bad-input cases
// (no reader, no card, wrong card type, two programs wanting one reader, the PC/SC service going away mid-read).
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { ResidenceCard } from "@jpcard/core"
import { CardTransport, TransportError } from "@jpcard/core/transport/CardTransport"
import { Effect, Exit, Fiber, Layer, type Scope, Stream } from "effect"
import * as Pcsc from "../../src/Pcsc.js"
import * as PcscTransport from "../../src/PcscTransport.js"
import * as Readers from "../../src/Readers.js"
import { check, tinyCard, usePcscd, wrongCard } from "./support.js"

const status = await check("readers.test.ts", true)
const [READER0, READER1] = ["Virtual PCD 00 00", "Virtual PCD 00 01"] as const
const SELECT_JPKI = Uint8Array.of(
  0x00,
  0xa4,
  0x04,
  0x0c,
  0x0a,
  0xd3,
  0x92,
  0xf0,
  0x00,
  0x26,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01
)
const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase()

/** Another Node process connects to the reader exclusively (with the binding directly) and holds the card. */
const holdInAnotherProcess = (reader: string) =>
  new Promise<{ release: () => Promise<void> }>((resolve, reject) => {
    const code = `
      const sc = require("node:module").createRequire(process.argv[1])("smartcard")
      const ctx = new sc.Context()
      ctx.listReaders().find((r) => r.name === process.argv[2]).connect(sc.SCARD_SHARE_EXCLUSIVE).then(
        (card) => {
          process.stdout.write("held\\n")
          process.stdin.on("end", () => { card.disconnect(sc.SCARD_LEAVE_CARD); ctx.close(); process.exit(0) })
          process.stdin.resume()
        },
        (error) => { process.stdout.write("error " + error.message + "\\n"); process.exit(1) })`
    const child = spawn(process.execPath, ["-e", code, fileURLToPath(import.meta.url), reader], {
      stdio: ["pipe", "pipe", "inherit"]
    })
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    child.stdout.once("data", (chunk: Buffer) => {
      const line = chunk.toString().trim()
      if (line !== "held") return reject(new Error(`the other process could not hold the card: ${line}`))
      resolve({
        release: async () => {
          child.stdin.end()
          await exited
        }
      })
    })
    child.once("error", reject)
  })

const transportError = (exit: Exit.Exit<unknown, unknown>): TransportError => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail")?.error : undefined
  assert.instanceOf(error, TransportError)
  return error as TransportError
}

describe.runIf(status.run)("PC/SC end to end: readers and sessions", { timeout: 30_000 }, () => {
  const pcscd = usePcscd()

  it.live("lists both virtual readers, empty", () =>
    Effect.gen(function* () {
      const readers = yield* Readers.list
      assert.deepStrictEqual(
        readers.map((r) => [r.name, r.cardPresent]),
        [
          [READER0, false],
          [READER1, false]
        ]
      )
    }).pipe(Effect.provide(Pcsc.layer))
  )

  it.live("reports card insertion and removal as events", () =>
    Effect.gen(function* () {
      const card = tinyCard()
      const fiber = yield* Readers.events({ pollInterval: "200 millis" }).pipe(
        Stream.take(4),
        Stream.runCollect,
        Effect.forkChild
      )
      // the initial snapshot: both readers, no card
      yield* Effect.promise(() => pcscd.get().insert(0, card))
      yield* Effect.promise(() => pcscd.get().remove(0))
      const events = yield* Fiber.join(fiber).pipe(Effect.timeout("10 seconds"))
      assert.deepStrictEqual(
        events.map((e) =>
          e._tag === "CardInserted" ? `${e._tag} ${e.reader} ${hex(e.atr)}` : `${e._tag} ${e.reader}`
        ),
        [
          `ReaderAdded ${READER0}`,
          `ReaderAdded ${READER1}`,
          `CardInserted ${READER0} ${hex(card.atr)}`,
          `CardRemoved ${READER0}`
        ]
      )
    }).pipe(Effect.provide(Pcsc.layer))
  )

  it.live("a session: T=1, the card's ATR, extended length, APDUs both ways; released afterwards", () =>
    Effect.gen(function* () {
      const card = tinyCard()
      yield* Effect.promise(() => pcscd.get().insert(0, card))
      const info = yield* Effect.scoped(
        Effect.gen(function* () {
          const s = yield* PcscTransport.session({ reader: READER0 })
          assert.strictEqual(hex(yield* s.transport.transmit(SELECT_JPKI)), "9000")
          assert.strictEqual(
            hex(yield* s.transport.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, 0x02, 0xa0, 0x00))),
            "6A82"
          )
          // extended Le through pcscd and vpcd: 4096 bytes of data and 9000
          const long = yield* s.transport.transmit(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x00, 0x10, 0x00))
          assert.strictEqual(long.length, 4098)
          assert.strictEqual(hex(long.subarray(4096)), "9000")
          const during = yield* Readers.list
          assert.isTrue(during.find((r) => r.name === READER0)?.exclusive)
          return s
        })
      )
      assert.strictEqual(info.reader, READER0)
      assert.strictEqual(info.protocol, "T1")
      assert.strictEqual(hex(info.atr), hex(card.atr))
      assert.isTrue(info.capabilities.extendedLength)
      assert.strictEqual(info.extendedLengthSource, "assumed (T=1)")
      const after = yield* Readers.list
      assert.isFalse(after.find((r) => r.name === READER0)?.inUse, "the handle is released")
      yield* Effect.promise(() => pcscd.get().remove(0))
    }).pipe(Effect.provide(Pcsc.layer))
  )

  it.live("a T=0 card: protocol T0 and short APDUs only", () =>
    Effect.gen(function* () {
      // 3B 02 14 50: no TD1, so T=0 (ISO/IEC 7816-3 §8.2.3); two historical bytes
      yield* Effect.promise(() => pcscd.get().insert(0, tinyCard(Uint8Array.of(0x3b, 0x02, 0x14, 0x50))))
      const info = yield* Effect.scoped(
        Effect.gen(function* () {
          const s = yield* PcscTransport.session({ reader: READER0 })
          assert.strictEqual(hex(yield* s.transport.transmit(SELECT_JPKI)), "9000")
          return s
        })
      )
      assert.strictEqual(info.protocol, "T0")
      assert.isFalse(info.capabilities.extendedLength)
      assert.strictEqual(info.extendedLengthSource, "protocol T=0")
      yield* Effect.promise(() => pcscd.get().remove(0))
    }).pipe(Effect.provide(Pcsc.layer))
  )

  it.live("no card in the reader: NoCard, saying to place the card", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Effect.scoped(PcscTransport.session({ reader: READER1 })))
      const error = transportError(exit)
      assert.strictEqual(error.reason, "NoCard")
      assert.match(error.message, /place the card on the reader/)
      assert.match(error.message, /Virtual PCD 00 01/)
    }).pipe(Effect.provide(Pcsc.layer))
  )

  it.live("waiting for a card: NoCard after the timeout; a card arriving in time is used", () =>
    Effect.gen(function* () {
      const started = Date.now()
      const error = transportError(
        yield* Effect.exit(Effect.scoped(PcscTransport.session({ reader: READER1, waitForCard: "300 millis" })))
      )
      assert.strictEqual(error.reason, "NoCard")
      assert.isAtLeast(Date.now() - started, 250)
      const fiber = yield* Effect.forkChild(
        Effect.scoped(
          Effect.map(PcscTransport.session({ reader: READER1, waitForCard: "10 seconds" }), (s) => s.reader)
        )
      )
      yield* Effect.promise(() => pcscd.get().insert(1, tinyCard()))
      assert.strictEqual(yield* Fiber.join(fiber), READER1)
      yield* Effect.promise(() => pcscd.get().remove(1))
    }).pipe(Effect.provide(Pcsc.layer))
  )

  it.live("no reader matching the selector: NoReader, listing the readers", () =>
    Effect.gen(function* () {
      const error = transportError(yield* Effect.exit(Effect.scoped(PcscTransport.session({ reader: /PaSoRi/ }))))
      assert.strictEqual(error.reason, "NoReader")
      assert.match(error.message, /Virtual PCD 00 00/)
    }).pipe(Effect.provide(Pcsc.layer))
  )

  /** With a card in READER0 and `hold` holding it (in a scope): SharingViolation; free again once `hold` lets go. */
  const refusedWhileHeld = (hold: Effect.Effect<unknown, unknown, Pcsc.Pcsc | Scope.Scope>, message: RegExp) =>
    Effect.gen(function* () {
      yield* Effect.promise(() => pcscd.get().insert(0, tinyCard()))
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* hold
          const error = transportError(yield* Effect.exit(Effect.scoped(PcscTransport.session({ reader: READER0 }))))
          assert.strictEqual(error.reason, "SharingViolation")
          assert.match(error.message, message)
        })
      )
      const again = yield* Effect.scoped(PcscTransport.session({ reader: READER0 }))
      assert.strictEqual(again.reader, READER0)
      yield* Effect.promise(() => pcscd.get().remove(0))
    }).pipe(Effect.provide(Pcsc.layer))

  it.live("two sessions wanting the reader exclusively: SharingViolation; free again once the first ends", () =>
    refusedWhileHeld(PcscTransport.session({ reader: READER0 }), /another program is using the reader/)
  )

  it.live("another process holding the card exclusively: SharingViolation until it lets go", () =>
    refusedWhileHeld(
      Effect.acquireRelease(
        Effect.promise(() => holdInAnotherProcess(READER0)),
        (holder) => Effect.promise(() => holder.release())
      ),
      /another program is using the reader; close it/
    )
  )

  it.live("a card of the wrong type (6A82 to everything): a typed error from the residence reader", () =>
    Effect.gen(function* () {
      yield* Effect.promise(() => pcscd.get().insert(0, wrongCard()))
      const exit = yield* Effect.exit(
        ResidenceCard.read("AB12345678CD").pipe(Effect.provide(PcscTransport.layer({ reader: READER0 })))
      )
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail")?.error : undefined
      // the core's own typed error: here "residence.detect.selectMf: the card answered 6A82 (file or application
      // not found)"
      assert.include(["CardStatusError", "UnsupportedCardError"], (error as { _tag: string })._tag)
      assert.match((error as Error).message, /^residence\./)
      const after = yield* Readers.list
      assert.isFalse(after.find((r) => r.name === READER0)?.inUse, "the session is released")
      yield* Effect.promise(() => pcscd.get().remove(0))
    }).pipe(Effect.provide(Pcsc.layer))
  )

  it.live("PcscTransport.layer provides CardTransport for any core program", () =>
    Effect.gen(function* () {
      yield* Effect.promise(() => pcscd.get().insert(0, tinyCard()))
      const response = yield* CardTransport.use((t) => t.transmit(SELECT_JPKI)).pipe(
        Effect.provide(PcscTransport.layer({ reader: "pcd 00 00" }))
      )
      assert.strictEqual(hex(response), "9000")
      yield* Effect.promise(() => pcscd.get().remove(0))
    })
  )

  // Last: it stops pcscd.
  it.live("the PC/SC service going away mid-read: ReaderUnavailable, no hang", () =>
    Effect.gen(function* () {
      const harness = pcscd.get()
      yield* Effect.promise(() =>
        harness.insert(0, tinyCard(), {
          beforeCommand: (_, index) => {
            if (index === 2) process.kill(harness.pcscdPid, "SIGKILL")
            return undefined
          }
        })
      )
      const exit = yield* Effect.exit(
        Effect.scoped(
          Effect.gen(function* () {
            const s = yield* PcscTransport.session({ reader: READER0 })
            for (let i = 0; i < 10; i++) yield* s.transport.transmit(SELECT_JPKI)
          })
        ).pipe(Effect.timeout("20 seconds"))
      )
      const error = transportError(exit)
      assert.strictEqual(error.reason, "ReaderUnavailable")
      assert.match(error.message, /reconnect it and retry/)
    }).pipe(Effect.provide(Layer.fresh(Pcsc.layer)))
  )
})
