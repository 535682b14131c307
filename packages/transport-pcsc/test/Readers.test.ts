// Listing, choosing and following readers over the in-memory PC/SC driver.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Result, Stream } from "effect"
import * as Pcsc from "../src/Pcsc.js"
import * as Readers from "../src/Readers.js"
import * as TestDriver from "../src/TestDriver.js"

const info = (name: string, cardPresent = false): Readers.ReaderInfo => ({
  name,
  cardPresent,
  atr: undefined,
  exclusive: false,
  inUse: false,
  mute: false,
  state: cardPresent ? Pcsc.State.Present : Pcsc.State.Empty
})
const card = { atr: Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01), transmit: () => Uint8Array.of(0x90, 0x00) }

const chosen = (readers: ReadonlyArray<Readers.ReaderInfo>, selector?: Readers.ReaderSelector) => {
  const result = Readers.chooseFrom(readers, selector)
  return Result.isSuccess(result) ? result.success.name : `${result.failure.reason}: ${result.failure.detail}`
}

describe("Readers.chooseFrom", () => {
  const readers = [info("ACS ACR1252 1S CL Reader [ACR1252 Reader] PICC 0"), info("SONY FeliCa RC-S300/P", true)]

  it("no reader at all is NoReader", () => {
    assert.strictEqual(chosen([]), "NoReader: PC/SC lists no reader")
  })

  it("the only reader, or the one holding a card", () => {
    assert.strictEqual(chosen([readers[0]!]), readers[0]!.name)
    assert.strictEqual(chosen(readers), "SONY FeliCa RC-S300/P")
    assert.strictEqual(chosen([info("A"), info("B")]), "A")
  })

  it("by exact name, by case-insensitive part of a name, by pattern", () => {
    assert.strictEqual(chosen(readers, readers[0]!.name), readers[0]!.name)
    assert.strictEqual(chosen(readers, "acr1252"), readers[0]!.name)
    assert.strictEqual(chosen(readers, /RC-S\d+/), "SONY FeliCa RC-S300/P")
    assert.strictEqual(chosen(readers, /PICC/g), readers[0]!.name)
    assert.strictEqual(chosen(readers, /PICC/g), readers[0]!.name, "a global RegExp's lastIndex does not leak")
  })

  it("several readers holding a card: the first, or AmbiguousReader when asked to fail", () => {
    const two = [info("PICC 0", true), info("SAM 0", true), info("Empty")]
    assert.strictEqual(chosen(two), "PICC 0")
    const strict = (selector?: Readers.ReaderSelector) => {
      const result = Readers.chooseFrom(two, selector, "fail")
      return Result.isSuccess(result) ? result.success.name : `${result.failure.reason}: ${result.failure.detail}`
    }
    assert.strictEqual(strict(), `AmbiguousReader: readers holding a card: "PICC 0", "SAM 0"`)
    assert.strictEqual(strict(" 0"), `AmbiguousReader: readers holding a card: "PICC 0", "SAM 0"`)
    assert.strictEqual(strict("SAM"), "SAM 0", "a name that picks one reader is no longer ambiguous")
    assert.strictEqual(Readers.chooseFrom([two[0]!, two[2]!], undefined, "fail").pipe(Result.getOrThrow).name, "PICC 0")
    const bad = Readers.chooseFrom(two, undefined, "any" as never)
    assert.isTrue(Result.isFailure(bad) && bad.failure.detail!.includes("whenSeveralCards"))
  })

  it("nothing matching is NoReader naming the readers there are", () => {
    assert.strictEqual(
      chosen(readers, "Gemalto"),
      `NoReader: no reader matches "Gemalto"; readers: "${readers[0]!.name}", "SONY FeliCa RC-S300/P"`
    )
  })
})

describe("Readers.list, waitForCard, events", () => {
  it.live("lists readers with card state and ATR", () =>
    Effect.gen(function* () {
      const pcsc = TestDriver.make()
      pcsc.addReader("R0")
      pcsc.addReader("R1")
      pcsc.insert("R1", card)
      const readers = yield* Readers.list.pipe(Effect.provide(Pcsc.layerDriver(pcsc)))
      assert.deepStrictEqual(
        readers.map((r) => [r.name, r.cardPresent, r.atr?.length ?? 0]),
        [
          ["R0", false, 0],
          ["R1", true, 5]
        ]
      )
      assert.strictEqual(pcsc.openContexts(), 0)
    })
  )

  it.live("waitForCard waits, and gives NoCard after its timeout", () =>
    Effect.gen(function* () {
      const pcsc = TestDriver.make()
      pcsc.addReader("R0")
      const binding = Pcsc.layerDriver(pcsc)
      const error = yield* Effect.flip(
        Readers.waitForCard("R0", { timeout: "30 millis" }).pipe(Effect.provide(binding))
      )
      assert.strictEqual(error.reason, "NoCard")
      setTimeout(() => pcsc.insert("R0", card), 20)
      const reader = yield* Readers.waitForCard(undefined, { timeout: "5 seconds" }).pipe(Effect.provide(binding))
      assert.isTrue(reader.cardPresent)
      assert.strictEqual(pcsc.openContexts(), 0)
    })
  )

  it.live("events: the initial state, then cards and readers coming and going", () =>
    Effect.gen(function* () {
      const pcsc = TestDriver.make()
      pcsc.addReader("R0")
      pcsc.insert("R0", card)
      const fiber = yield* Readers.events({ pollInterval: "20 millis" }).pipe(
        Stream.take(9),
        Stream.runCollect,
        Effect.provide(Pcsc.layerDriver(pcsc)),
        Effect.forkChild
      )
      const step = (f: () => void) => Effect.andThen(Effect.sleep("60 millis"), Effect.sync(f))
      yield* step(() => pcsc.remove("R0"))
      yield* step(() => pcsc.addReader("R1"))
      yield* step(() => pcsc.insert("R1", card))
      yield* step(() => {
        // a card swapped faster than a look: a removal and an insertion
        pcsc.remove("R1")
        pcsc.insert("R1", card)
      })
      yield* step(() => pcsc.removeReader("R1"))
      const events = yield* Fiber.join(fiber).pipe(Effect.timeout("5 seconds"))
      assert.deepStrictEqual(
        events.map((e) => `${e._tag} ${e.reader}`),
        [
          "ReaderAdded R0",
          "CardInserted R0",
          "CardRemoved R0",
          "ReaderAdded R1",
          "CardInserted R1",
          "CardRemoved R1",
          "CardInserted R1",
          "CardRemoved R1",
          "ReaderRemoved R1"
        ]
      )
      assert.strictEqual(pcsc.openContexts(), 0, "the stream's context is released when it ends")
    })
  )

  it.live("events without the initial snapshot", () =>
    Effect.gen(function* () {
      const pcsc = TestDriver.make()
      pcsc.addReader("R0")
      pcsc.insert("R0", card)
      const fiber = yield* Readers.events({ initial: false, pollInterval: "20 millis" }).pipe(
        Stream.take(1),
        Stream.runCollect,
        Effect.provide(Pcsc.layerDriver(pcsc)),
        Effect.forkChild
      )
      yield* Effect.sleep("40 millis")
      pcsc.remove("R0")
      const events = yield* Fiber.join(fiber).pipe(Effect.timeout("5 seconds"))
      assert.deepStrictEqual(
        events.map((e) => e._tag),
        ["CardRemoved"]
      )
    })
  )
})
