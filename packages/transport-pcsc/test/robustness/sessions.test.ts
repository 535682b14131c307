// Card sessions under pressure: several on one reader at once, interrupted in the middle of a transmit, a native call
// that never returns, and options of the wrong shape from a JavaScript caller. Each session ends in its value or one
// TransportError, and its card handle and context are released (a stuck native call delays that by the release grace
// at most, then the release waits behind the call instead of hanging the scope).
import { Duration, Effect, Exit, Fiber } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as Pcsc from "../../src/Pcsc.js"
import * as PcscTransport from "../../src/PcscTransport.js"
import * as TestDriver from "../../src/TestDriver.js"
import { card, outcomeOf, R0, run } from "./harness.js"

const SELECT = Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, 0x02, 0x3f, 0x00)

const oneReader = () => {
  const pcsc = TestDriver.make()
  pcsc.addReader(R0)
  pcsc.insert(R0, card())
  return pcsc
}

const waitUntil = async (condition: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  return condition()
}

describe("concurrent sessions on one reader", () => {
  it("each ends in its value, SharingViolation or its interruption; no handle or context is left", async () => {
    const plan = fc.array(
      fc.record({
        shareMode: fc.constantFrom("exclusive" as const, "shared" as const),
        exchanges: fc.nat(3),
        interruptAfter: fc.option(fc.nat(15), { nil: undefined })
      }),
      { minLength: 2, maxLength: 6 }
    )
    await fc.assert(
      fc.asyncProperty(plan, async (sessions) => {
        const pcsc = oneReader()
        let exclusiveHolders = 0
        let overlap = false
        const one = (s: (typeof sessions)[number]) =>
          Effect.scoped(
            Effect.gen(function* () {
              const session = yield* PcscTransport.session({ reader: R0, shareMode: s.shareMode })
              if (s.shareMode === "exclusive") exclusiveHolders++
              if (exclusiveHolders > 1) overlap = true
              yield* Effect.addFinalizer(() =>
                Effect.sync(() => void (s.shareMode === "exclusive" && exclusiveHolders--))
              )
              for (let i = 0; i < s.exchanges; i++) {
                yield* session.transport.transmit(SELECT)
                yield* Effect.sleep(1)
              }
            })
          ).pipe(Effect.provide(Pcsc.layerDriver(pcsc)))
        const exits = await Effect.runPromise(
          Effect.forEach(
            sessions,
            (s) =>
              Effect.gen(function* () {
                const fiber = yield* Effect.forkChild(one(s))
                if (s.interruptAfter !== undefined)
                  yield* Effect.forkChild(Effect.andThen(Effect.sleep(s.interruptAfter), Fiber.interrupt(fiber)))
                return yield* Fiber.await(fiber)
              }),
            { concurrency: "unbounded" }
          )
        )
        for (const exit of exits) {
          if (Exit.isFailure(exit) && exit.cause.reasons.every((r) => r._tag === "Interrupt")) continue
          const outcome = outcomeOf(exit)
          if (outcome._tag === "Failure") assert.strictEqual(outcome.error.reason, "SharingViolation")
        }
        assert.isFalse(overlap, "two exclusive sessions at once")
        assert.strictEqual(pcsc.openHandles(), 0)
        assert.strictEqual(pcsc.openContexts(), 0)
      }),
      { numRuns: 60 }
    )
  })
})

describe("interruption in the middle of a transmit", () => {
  it("the card is reset and released, whenever the native call settles (before or after the interruption)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(20), fc.integer({ min: -10, max: 20 }), async (interruptAt, settleShift) => {
        const pcsc = oneReader()
        pcsc.failNext(R0, "transmit", { hang: true })
        const fiber = Effect.runFork(
          Effect.scoped(
            Effect.flatMap(PcscTransport.session({ reader: R0, disposition: "leave" }), (s) =>
              s.transport.transmit(SELECT)
            )
          ).pipe(Effect.provide(Pcsc.layerDriver(pcsc)))
        )
        assert.isTrue(await waitUntil(() => pcsc.log.includes(`connect ${R0} exclusive`)))
        await new Promise((resolve) => setTimeout(resolve, interruptAt))
        setTimeout(() => pcsc.releaseHung(), Math.max(0, settleShift))
        await Effect.runPromise(Fiber.interrupt(fiber))
        assert.isTrue(await waitUntil(() => pcsc.openContexts() === 0))
        assert.strictEqual(pcsc.openHandles(), 0)
        assert.include(pcsc.log, `disconnect ${R0} reset`, "an interrupted session resets the card")
      }),
      { numRuns: 30 }
    )
  })
})

describe("a native call that never returns", () => {
  it("a transmit that never answers ends in Timeout within the timeout and the release grace, not never", async () => {
    const pcsc = oneReader()
    pcsc.failNext(R0, "transmit", { hang: true })
    const started = Date.now()
    const outcome = await run(
      Effect.scoped(
        Effect.flatMap(PcscTransport.session({ reader: R0, timeout: "50 millis" }), (s) => s.transport.transmit(SELECT))
      ).pipe(Effect.provide(Pcsc.layerDriver(pcsc)), Effect.timeout(Duration.seconds(8)))
    )
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag === "Failure") assert.strictEqual(outcome.error.reason, "Timeout")
    assert.isBelow(Date.now() - started, 7000)
    // the disconnect and the context's release wait behind the stuck call, and run when it ends
    assert.strictEqual(pcsc.openHandles(), 1)
    pcsc.releaseHung()
    assert.isTrue(await waitUntil(() => pcsc.openContexts() === 0 && pcsc.openHandles() === 0))
    assert.deepStrictEqual(pcsc.log.slice(-2), [`disconnect ${R0} reset`, "release"])
  }, 15_000)
})

describe("options of the wrong shape", () => {
  const session = (options: unknown) => {
    const pcsc = oneReader()
    return run(
      Effect.scoped(PcscTransport.session(options as PcscTransport.SessionOptions)).pipe(
        Effect.provide(Pcsc.layerDriver(pcsc))
      )
    ).then((outcome) => ({ outcome, pcsc }))
  }

  it("each is an Io error naming the option, before any PC/SC call; never a defect", async () => {
    const wrong: Record<string, ReadonlyArray<unknown>> = {
      reader: [null, 0, {}, [], true],
      shareMode: ["exclusve", "", null, 1, "EXCLUSIVE"],
      protocols: [[], "T1", ["T2"], null, [1]],
      timeout: ["banana", Number.NaN, -5, 0, null, {}, "-1 seconds"],
      waitForCard: ["banana", Number.NaN, -1, null],
      extendedLength: ["yes", 1, null],
      disposition: ["unpower", "keep", null, 0]
    }
    for (const [option, values] of Object.entries(wrong)) {
      for (const value of values) {
        const { outcome, pcsc } = await session({ [option]: value })
        assert.strictEqual(outcome._tag, "Failure", `${option}: ${String(value)}`)
        if (outcome._tag !== "Failure") continue
        assert.strictEqual(outcome.error.reason, "Io")
        assert.include(outcome.error.message, option === "reader" ? "the reader must be" : `options.${option} must be`)
        assert.notInclude(pcsc.log.join(" "), "connect", "nothing was connected")
      }
    }
    for (const options of [null, 7, "R0"]) {
      const { outcome } = await session(options)
      assert.strictEqual(outcome._tag, "Failure")
    }
  })

  it("a misspelt share mode is refused, not taken as shared", async () => {
    const { outcome, pcsc } = await session({ shareMode: "exclusve" })
    assert.strictEqual(outcome._tag, "Failure")
    assert.notInclude(pcsc.log, `connect ${R0} shared`)
  })

  it('a timeout of "banana" is a typed error (Duration.toMillis throws on it)', async () => {
    const { outcome } = await session({ timeout: "banana" })
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag === "Failure") assert.match(outcome.error.message, /options\.timeout must be a duration/)
  })

  it("any value in any option ends typed (a value or TransportError), and leaks nothing", async () => {
    const keys = ["reader", "shareMode", "protocols", "timeout", "waitForCard", "extendedLength", "disposition"]
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.anything(), async (key, value) => {
        const { pcsc } = await session({ [key]: value })
        assert.strictEqual(pcsc.openHandles(), 0)
        assert.strictEqual(pcsc.openContexts(), 0)
      }),
      { numRuns: 300 }
    )
  })
})
