// Reader lists as PC/SC (or a foreign binding) may report them: empty names, duplicates, very long and non-ASCII
// names, entries that are not readers at all; and a reader chosen by part of a name that several share. Choosing is
// never a TypeError, a message stays readable however long the names, and a session opens on the exact reader chosen.
import { Effect, Result } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as Pcsc from "../../src/Pcsc.js"
import * as PcscTransport from "../../src/PcscTransport.js"
import * as Readers from "../../src/Readers.js"
import * as TestDriver from "../../src/TestDriver.js"
import { card, hostile, run } from "./harness.js"

const info = (name: string, cardPresent: boolean): Readers.ReaderInfo => ({
  name,
  cardPresent,
  atr: undefined,
  exclusive: false,
  inUse: false,
  mute: false,
  state: cardPresent ? Pcsc.State.Present : Pcsc.State.Empty
})

const patternMatches = (pattern: RegExp, name: string) => {
  pattern.lastIndex = 0
  return pattern.test(name)
}

const oddName = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "İstanbul Reader",
    "ＡＣＳ　ＡＣＲ",
    "Reader\n0",
    "\u0000",
    "Virtual PCD 00 00",
    "x".repeat(5000)
  ),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 300 })
)

describe("Readers.chooseFrom with odd names", () => {
  it("never throws; picks an exact match, else a case-insensitive part, else NoReader naming a few readers", () => {
    const selector = (names: ReadonlyArray<string>) =>
      fc.oneof(
        fc.constantFrom(...(names.length > 0 ? names : [""])),
        fc
          .constantFrom(...(names.length > 0 ? names : [""]))
          .chain((n) =>
            fc.tuple(fc.nat(n.length), fc.nat(n.length)).map(([a, b]) => n.slice(Math.min(a, b), Math.max(a, b)))
          ),
        oddName,
        fc.constantFrom<Readers.ReaderSelector>(/PICC/i, /./g, /^$/, /\u0130/u, /x{5000}/)
      )
    const readers = fc
      .array(fc.tuple(oddName, fc.boolean()), { maxLength: 30 })
      .chain((list) => fc.tuple(fc.constant(list), selector(list.map(([n]) => n))))
    fc.assert(
      fc.property(readers, ([list, sel]) => {
        const result = Readers.chooseFrom(
          list.map(([n, c]) => info(n, c)),
          sel
        )
        if (Result.isFailure(result)) {
          assert.strictEqual(result.failure.reason, "NoReader")
          assert.isBelow(result.failure.message.length, 2500, "the message stays readable")
          if (list.length > 0 && typeof sel === "string") {
            assert.isFalse(list.some(([n]) => n === sel || n.toLowerCase().includes(sel.toLowerCase())))
          }
          return
        }
        const chosen = result.success.name
        if (typeof sel === "string") {
          const exact = list.some(([n]) => n === sel)
          if (exact) assert.strictEqual(chosen, sel)
          else assert.include(chosen.toLowerCase(), sel.toLowerCase())
        } else assert.isTrue(patternMatches(sel, chosen))
        // among the candidates, the first holding a card, else the first
        const candidates = list.filter(([n]) =>
          typeof sel !== "string"
            ? patternMatches(sel, n)
            : list.some(([m]) => m === sel)
              ? n === sel
              : n.toLowerCase().includes(sel.toLowerCase())
        )
        const expected = candidates.find(([, c]) => c) ?? candidates[0]
        assert.strictEqual(chosen, expected?.[0])
      }),
      { numRuns: 500 }
    )
  })

  it("a part of a name shared by several readers: the first holding a card, in PC/SC's order", () => {
    const readers = [
      info("ACS ACR1252 1S CL Reader [ACR1252 Dual Reader PICC] 00 00", false),
      info("ACS ACR1252 1S CL Reader [ACR1252 Dual Reader SAM] 00 01", true),
      info("ACS ACR39U ICC Reader 00 00", true)
    ]
    const chosen = (sel: Readers.ReaderSelector) => {
      const r = Readers.chooseFrom(readers, sel)
      return Result.isSuccess(r) ? r.success.name : r.failure.reason
    }
    assert.strictEqual(chosen("acr1252"), readers[1]!.name)
    assert.strictEqual(chosen("ACR"), readers[1]!.name)
    assert.strictEqual(chosen("PICC"), readers[0]!.name, "the only candidate, even without a card")
    assert.strictEqual(chosen("[acr1252 dual reader picc"), readers[0]!.name, "a string is never a pattern")
    assert.strictEqual(chosen("Gemalto"), "NoReader")
  })

  it("a thousand long names make a NoReader message of a few names, each cut", () => {
    const readers = Array.from({ length: 1000 }, (_, i) => info(`${"Reader ".repeat(2000)}${i}`, false))
    const result = Readers.chooseFrom(readers, "Gemalto")
    assert.isTrue(Result.isFailure(result))
    if (Result.isFailure(result)) {
      assert.isBelow(result.failure.message.length, 1500)
      assert.include(result.failure.message, "and 990 more")
    }
  })

  it("a selector that is neither a string nor a RegExp is a typed error, not a TypeError", () => {
    for (const sel of [null, 0, {}, [], () => true]) {
      const result = Readers.chooseFrom([info("R", true)], sel as unknown as string)
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) assert.match(result.failure.message, /the reader must be/)
    }
  })
})

describe("sessions on readers with odd names", () => {
  it("the exact name chosen is the reader connected, whatever the names", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(oddName, { minLength: 1, maxLength: 6 }), fc.nat(), async (names, pick) => {
        const pcsc = TestDriver.make()
        for (const name of names) pcsc.addReader(name)
        const target = names[pick % names.length]!
        pcsc.insert(target, card())
        const outcome = await run(
          Effect.scoped(PcscTransport.session({ reader: target })).pipe(Effect.provide(Pcsc.layerDriver(pcsc)))
        )
        assert.strictEqual(outcome._tag, "Success")
        if (outcome._tag === "Success") assert.strictEqual(outcome.value.reader, target)
        assert.strictEqual(pcsc.log[0], `connect ${target} exclusive`)
        assert.strictEqual(pcsc.openContexts(), 0)
      }),
      { numRuns: 100 }
    )
  })

  it("a binding listing one name twice: the session opens on it and is released", async () => {
    const pcsc = TestDriver.make()
    pcsc.addReader("Twin")
    pcsc.insert("Twin", card())
    const driver = hostile(pcsc, { listReaders: (real) => [...real(), ...real()] })
    const outcome = await run(
      Effect.scoped(PcscTransport.session({ reader: "twin" })).pipe(Effect.provide(Pcsc.layerDriver(driver)))
    )
    assert.strictEqual(outcome._tag, "Success")
    assert.strictEqual(pcsc.openHandles(), 0)
    const listed = await run(Readers.list.pipe(Effect.provide(Pcsc.layerDriver(driver))))
    assert.strictEqual(listed._tag, "Success")
  })
})

describe("reader lists that are not reader lists", () => {
  const malformed: ReadonlyArray<unknown> = [
    null,
    undefined,
    "Reader 0",
    7,
    [null],
    [{ state: 0x20 }],
    [{ name: 7, state: 0x20 }],
    [{ name: "R", state: "present" }],
    [{ name: "R" }],
    { length: 1, 0: { name: "R", state: 0x20 } }
  ]

  it("list, choose, a session and a wait for a card: each an Io error naming the list, never a TypeError", async () => {
    for (const value of malformed) {
      const pcsc = TestDriver.make()
      pcsc.addReader("R")
      const binding = Pcsc.layerDriver(hostile(pcsc, { listReaders: () => value }))
      for (const effect of [
        Readers.list,
        Readers.choose("R"),
        Readers.waitForCard("R", { timeout: "10 millis" }),
        Effect.scoped(PcscTransport.session({ reader: "R" }))
      ]) {
        const outcome = await run((effect as Effect.Effect<unknown, unknown, Pcsc.Pcsc>).pipe(Effect.provide(binding)))
        assert.strictEqual(outcome._tag, "Failure", JSON.stringify(value))
        if (outcome._tag === "Failure") {
          assert.strictEqual(outcome.error.reason, "Io")
          assert.match(outcome.error.message, /during list/)
        }
      }
      assert.strictEqual(pcsc.openContexts(), 0)
    }
  })

  it("an ATR that is not bytes is no ATR", async () => {
    const pcsc = TestDriver.make()
    pcsc.addReader("R")
    const binding = Pcsc.layerDriver(
      hostile(pcsc, { listReaders: () => [{ name: "R", state: Pcsc.State.Present, atr: "3B00" }] })
    )
    const outcome = await run(Readers.list.pipe(Effect.provide(binding)))
    assert.strictEqual(outcome._tag, "Success")
    if (outcome._tag === "Success") assert.isUndefined(outcome.value[0]!.atr)
  })

  it("a card handle that is not one (null, no transmit) is an Io error at connect, never a TypeError", async () => {
    for (const handle of [null, {}, { transmit: 1, control: 1, disconnect: 1 }, "card"]) {
      const pcsc = TestDriver.make()
      pcsc.addReader("R")
      pcsc.insert("R", card())
      const binding = Pcsc.layerDriver(hostile(pcsc, { connect: () => Promise.resolve(handle) }))
      const outcome = await run(Effect.scoped(PcscTransport.session({ reader: "R" })).pipe(Effect.provide(binding)))
      assert.strictEqual(outcome._tag, "Failure")
      if (outcome._tag === "Failure") assert.match(outcome.error.message, /during connect/)
      assert.strictEqual(pcsc.openContexts(), 0)
    }
  })
})
