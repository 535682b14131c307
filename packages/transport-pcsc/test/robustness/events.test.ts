// Reader and card events under any sequence of plugs, unplugs, insertions and removals (at any pace, so that several
// happen between two looks), also from a binding that reports readers in another order each time and twice over. The
// stream stays well formed per reader (added, then cards in and out in turn, then removed after its card), ends in the
// real state, and a binding that keeps reporting a change (a reader listed but unavailable, a change that is none)
// does not make it spin.
import { Effect, Fiber, Stream } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as Pcsc from "../../src/Pcsc.js"
import * as Readers from "../../src/Readers.js"
import * as TestDriver from "../../src/TestDriver.js"
import { card, hostile, later } from "./harness.js"

const NAMES = ["A", "Reader ✓ 1", ""] as const

type Action = { readonly op: "add" | "unplug" | "insert" | "remove"; readonly reader: number; readonly pause: number }

const action: fc.Arbitrary<Action> = fc.record({
  op: fc.constantFrom("add" as const, "unplug" as const, "insert" as const, "remove" as const),
  reader: fc.nat(NAMES.length - 1),
  pause: fc.oneof(fc.constant(0), fc.nat(25))
})

/** Applies what is possible of `a` (a reader is added only when absent, a card inserted only when empty). */
const apply = (pcsc: TestDriver.TestDriver, readers: Map<string, boolean>, a: Action) => {
  const name = NAMES[a.reader]!
  const there = readers.get(name)
  if (a.op === "add" && there === undefined) {
    pcsc.addReader(name)
    readers.set(name, false)
  } else if (a.op === "unplug" && there !== undefined) {
    pcsc.removeReader(name)
    readers.delete(name)
  } else if (a.op === "insert" && there === false) {
    pcsc.insert(name, card())
    readers.set(name, true)
  } else if (a.op === "remove" && there === true) {
    pcsc.remove(name)
    readers.set(name, false)
  }
}

/** Replays events into a view, failing on any event that does not follow from the view. */
const replay = (events: ReadonlyArray<Readers.ReaderEvent>): Map<string, boolean> => {
  const view = new Map<string, boolean>()
  for (const e of events) {
    const there = view.get(e.reader)
    const at = `${e._tag} ${JSON.stringify(e.reader)} after ${there === undefined ? "no reader" : there ? "a card" : "no card"}`
    switch (e._tag) {
      case "ReaderAdded":
        assert.isUndefined(there, at)
        view.set(e.reader, false)
        break
      case "ReaderRemoved":
        assert.strictEqual(there, false, at)
        view.delete(e.reader)
        break
      case "CardInserted":
        assert.strictEqual(there, false, at)
        view.set(e.reader, true)
        break
      case "CardRemoved":
        assert.strictEqual(there, true, at)
        view.set(e.reader, false)
        break
    }
  }
  return view
}

const shuffled = <A>(items: ReadonlyArray<A>, seed: number): Array<A> =>
  items
    .map((item, i) => ({ item, key: Math.sin(seed + i * 7919) }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item)

const script = async (actions: ReadonlyArray<Action>, reorder: number | undefined) => {
  const pcsc = TestDriver.make()
  const readers = new Map<string, boolean>()
  apply(pcsc, readers, { op: "add", reader: 0, pause: 0 })
  const driver =
    reorder === undefined
      ? pcsc
      : hostile(pcsc, {
          listReaders: (real) => shuffled(real(), reorder),
          getStatusChange: async (_readers, _timeout, real) => {
            const result = await real()
            // another order each time, every reader twice, and the answer on a later turn of the event loop
            return later(typeof result === "string" ? result : shuffled([...result, ...result], reorder))
          }
        })
  const seen: Array<Readers.ReaderEvent> = []
  const fiber = Effect.runFork(
    Readers.events({ pollInterval: "10 millis" }).pipe(
      Stream.runForEach((e) => Effect.sync(() => void seen.push(e))),
      Effect.provide(Pcsc.layerDriver(driver))
    )
  )
  await new Promise((resolve) => setTimeout(resolve, 20))
  for (const a of actions) {
    apply(pcsc, readers, a)
    if (a.pause > 0) await new Promise((resolve) => setTimeout(resolve, a.pause))
  }
  const sorted = (m: Map<string, boolean>) => [...m].sort(([a], [b]) => a.localeCompare(b))
  // the stream catches up within a few polls (given 2 s on a loaded machine)
  const deadline = Date.now() + 2000
  while (JSON.stringify(sorted(replay(seen))) !== JSON.stringify(sorted(readers)) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10))
  await Effect.runPromise(Fiber.interrupt(fiber))
  assert.deepStrictEqual(sorted(replay(seen)), sorted(readers), "the events end in the real state")
  assert.strictEqual(pcsc.openContexts(), 0, "the stream's context is released")
}

describe("Readers.events under any sequence of reader and card changes", () => {
  it("is well formed per reader and ends in the real state", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 12 }), (actions) => script(actions, undefined)),
      { numRuns: 25 }
    )
  }, 60_000)

  it("also from a binding that reports readers in any order, twice, on a later turn", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 12 }), fc.integer(), (actions, seed) => script(actions, seed)),
      { numRuns: 25 }
    )
  }, 60_000)
})

/** A binding with one reader whose state the test sets; `getStatusChange` answers on a later turn of the event loop. */
const oneReaderBinding = (options: { readonly noChange?: boolean } = {}) => {
  let state: number = Pcsc.State.Empty
  let waits = 0
  const driver: Pcsc.Driver = {
    name: "scripted",
    controlCode: (code) => code,
    establish: () => ({
      listReaders: () => [{ name: "R", state, atr: undefined }],
      getStatusChange: (readers, timeoutMs) => {
        waits++
        const watched = (readers[0]?.state ?? 0) & ~Pcsc.State.Changed
        if (options.noChange === true || watched !== state)
          return later([
            { name: "R", state: options.noChange === true ? watched : state | Pcsc.State.Changed, atr: undefined }
          ])
        return new Promise((resolve) => setTimeout(() => resolve("timeout"), timeoutMs))
      },
      cancel: () => undefined,
      release: () => undefined,
      connect: () => Promise.reject(new Error("No smart card present"))
    })
  }
  return {
    driver,
    waits: () => waits,
    set: (s: number) => {
      state = s
    }
  }
}

const waitsWithin = async (binding: ReturnType<typeof oneReaderBinding>, change: () => void, ms: number) => {
  const fiber = Effect.runFork(
    Readers.events({ pollInterval: "50 millis" }).pipe(
      Stream.runDrain,
      Effect.provide(Pcsc.layerDriver(binding.driver))
    )
  )
  await new Promise((resolve) => setTimeout(resolve, 20))
  change()
  const before = binding.waits()
  await new Promise((resolve) => setTimeout(resolve, ms))
  const waits = binding.waits() - before
  await Effect.runPromise(Fiber.interrupt(fiber))
  return waits
}

describe("Readers.events does not spin", () => {
  it("on a reader that stays listed but becomes unavailable", async () => {
    const binding = oneReaderBinding()
    // 400 ms at a 50 ms poll: about 8 waits; the loop used to return at once, thousands of times
    const waits = await waitsWithin(binding, () => binding.set(Pcsc.State.Unavailable), 400)
    assert.isAtMost(waits, 20)
  })

  it("on a binding that reports a change which is none", async () => {
    const binding = oneReaderBinding({ noChange: true })
    const waits = await waitsWithin(binding, () => undefined, 400)
    assert.isAtMost(waits, 20)
  })
})
