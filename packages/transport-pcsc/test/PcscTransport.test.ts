// Card sessions over the in-memory PC/SC driver: connect and release (leave on success, reset after a failure or an
// interruption), every PC/SC failure as a typed reason, extended-length decisions, timeouts, and no leaked handle.
import { assert, describe, it } from "@effect/vitest"
import { CardTransport, TransportError } from "@jpcard/core/transport/CardTransport"
import { Effect, Exit, Fiber, Layer } from "effect"
import * as Async from "../src/Async.js"
import * as Pcsc from "../src/Pcsc.js"
import * as PcscTransport from "../src/PcscTransport.js"
import * as TestDriver from "../src/TestDriver.js"

const R0 = "Test Reader 0"
const R1 = "Test Reader 1"
const SELECT = Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, 0x02, 0x3f, 0x00)
const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase()

const card = (protocol: "T0" | "T1" = "T1") => {
  const log: Array<string> = []
  return {
    log,
    atr: Uint8Array.of(0x3b, 0x88, 0x80, 0x01, 0, 0, 0, 0, 0, 0x81, 0x71, 0, 0x79),
    protocol,
    powerOn: () => void log.push("on"),
    powerOff: () => void log.push("off"),
    transmit: (command: Uint8Array) => {
      log.push(hex(command))
      return command[1] === 0xa4 ? Uint8Array.of(0x90, 0x00) : Uint8Array.of(0x6d, 0x00)
    }
  }
}

/** Two readers, R0 with `readerOptions`; `onR0` runs `use` in one session on R0, released when `use` ends. */
const setup = (readerOptions: TestDriver.TestReaderOptions = {}) => {
  const pcsc = TestDriver.make()
  pcsc.addReader(R0, readerOptions)
  pcsc.addReader(R1)
  const binding = Pcsc.layerDriver(pcsc)
  const onR0 = <A, E, R>(
    use: (s: PcscTransport.Session) => Effect.Effect<A, E, R>,
    options: PcscTransport.SessionOptions = {}
  ) =>
    Effect.scoped(Effect.flatMap(PcscTransport.session({ reader: R0, ...options }), use)).pipe(Effect.provide(binding))
  return { pcsc, binding, onR0 }
}

const errorOf = (exit: Exit.Exit<unknown, unknown>): TransportError => {
  const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail")?.error : undefined
  assert.instanceOf(error, TransportError, "expected a TransportError")
  return error as TransportError
}

describe("PcscTransport.session", () => {
  it.live("connects exclusively to the reader with the card, reports T=1 and the ATR; resets the card at the end", () =>
    Effect.gen(function* () {
      const { pcsc, binding } = setup()
      const c = card()
      pcsc.insert(R1, c)
      const info = yield* Effect.scoped(
        Effect.gen(function* () {
          const s = yield* PcscTransport.session()
          assert.strictEqual(hex(yield* s.transport.transmit(SELECT)), "9000")
          assert.strictEqual(pcsc.openHandles(), 1)
          return s
        })
      ).pipe(Effect.provide(binding))
      assert.strictEqual(info.reader, R1, "without a selector, the reader holding a card")
      assert.strictEqual(info.protocol, "T1")
      assert.strictEqual(info.shareMode, "exclusive")
      assert.strictEqual(hex(info.atr), hex(c.atr))
      assert.deepStrictEqual(pcsc.log, [`connect ${R1} exclusive`, "transmit", `disconnect ${R1} reset`, "release"])
      assert.deepStrictEqual(c.log.slice(-2), ["off", "on"], "no authenticated state survives the session")
      assert.strictEqual(pcsc.openHandles(), 0)
      assert.strictEqual(pcsc.openContexts(), 0)
    })
  )

  it.live("disposition leave keeps the card's state after a successful session", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      yield* onR0(Effect.succeed, { disposition: "leave" })
      assert.strictEqual(pcsc.log.at(-2), `disconnect ${R0} leave`)
    })
  )

  it.live("resets the card when the session fails, even with disposition leave", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      const c = card()
      pcsc.insert(R0, c)
      const exit = yield* Effect.exit(
        onR0((s) => Effect.andThen(s.transport.transmit(SELECT), Effect.fail("the application gave up")), {
          disposition: "leave"
        })
      )
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(pcsc.log.at(-2), `disconnect ${R0} reset`)
      assert.deepStrictEqual(c.log.slice(-2), ["off", "on"])
      assert.strictEqual(pcsc.openHandles(), 0)
    })
  )

  it.live("resets the card when the session is interrupted", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      pcsc.failNext(R0, "transmit", { hang: true })
      const fiber = yield* Effect.forkChild(onR0((s) => s.transport.transmit(SELECT)))
      yield* Effect.yieldNow
      yield* Effect.sleep(10)
      // the hung native call settles (as a real one eventually does) so the release can go on
      const interrupting = yield* Effect.forkChild(Fiber.interrupt(fiber))
      pcsc.releaseHung()
      yield* Fiber.join(interrupting)
      assert.strictEqual(pcsc.log.at(-2), `disconnect ${R0} reset`)
      assert.strictEqual(pcsc.openHandles(), 0)
      assert.strictEqual(pcsc.openContexts(), 0)
    })
  )

  it.live("a connect that does not answer: Timeout; when it connects late the card is reset and let go", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      const c = card()
      pcsc.insert(R0, c)
      pcsc.failNext(R0, "connect", { hang: true })
      const fiber = yield* Effect.forkChild(Effect.exit(onR0(() => Effect.void, { timeout: "50 millis" })))
      yield* Effect.sleep(150)
      assert.strictEqual(pcsc.openHandles(), 0, "still connecting")
      pcsc.releaseHung() // SCardConnect finally returns
      const error = errorOf(yield* Fiber.join(fiber))
      assert.strictEqual(error.reason, "Timeout")
      assert.include(error.message, `no connection to the card on "${R0}" within 50ms`)
      assert.deepStrictEqual(pcsc.log, [`connect ${R0} exclusive`, `disconnect ${R0} reset`, "release"])
      assert.strictEqual(pcsc.openHandles(), 0)
      assert.strictEqual(pcsc.openContexts(), 0)
    })
  )

  it.live("interrupted while connecting: a connection made afterwards is reset and let go", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      pcsc.failNext(R0, "connect", { hang: true })
      const fiber = yield* Effect.forkChild(onR0(() => Effect.void))
      yield* Effect.sleep(20)
      const interrupting = yield* Effect.forkChild(Fiber.interrupt(fiber))
      yield* Effect.sleep(20)
      pcsc.releaseHung()
      yield* Fiber.join(interrupting)
      assert.deepStrictEqual(pcsc.log, [`connect ${R0} exclusive`, `disconnect ${R0} reset`, "release"])
      assert.strictEqual(pcsc.openHandles(), 0)
      assert.strictEqual(pcsc.openContexts(), 0)
    })
  )

  it.live("a reader that does not answer the capability request: Timeout naming it; the card is reset", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup({ maxApduDataSize: 1024 })
      pcsc.insert(R0, card())
      pcsc.failNext(R0, "control", { hang: true })
      const fiber = yield* Effect.forkChild(Effect.exit(onR0(() => Effect.void, { timeout: "50 millis" })))
      yield* Effect.sleep(150)
      pcsc.releaseHung()
      const error = errorOf(yield* Fiber.join(fiber))
      assert.strictEqual(error.reason, "Timeout")
      assert.include(error.message, "capability request")
      assert.include(error.message, "extendedLength true or false skips it")
      assert.deepStrictEqual(pcsc.log, [`connect ${R0} exclusive`, `disconnect ${R0} reset`, "release"])
      assert.strictEqual(pcsc.openHandles(), 0)
      const skipped = yield* onR0((s) => Effect.succeed(s.extendedLengthSource), { extendedLength: false })
      assert.strictEqual(skipped, "option")
    })
  )

  it.live("no reader: NoReader; no card: NoCard; unknown selector: NoReader listing the readers", () =>
    Effect.gen(function* () {
      const empty = TestDriver.make()
      const none = errorOf(
        yield* Effect.exit(Effect.scoped(PcscTransport.session()).pipe(Effect.provide(Pcsc.layerDriver(empty))))
      )
      assert.strictEqual(none.reason, "NoReader")
      assert.match(none.message, /connect a reader/)

      const { binding, onR0 } = setup()
      const noCard = errorOf(yield* Effect.exit(onR0(Effect.succeed)))
      assert.strictEqual(noCard.reason, "NoCard")
      assert.match(noCard.message, /place the card on the reader/)
      assert.match(noCard.message, /SCARD_E_NO_SMARTCARD/)

      const unknown = errorOf(
        yield* Effect.exit(Effect.scoped(PcscTransport.session({ reader: /PaSoRi/ })).pipe(Effect.provide(binding)))
      )
      assert.strictEqual(unknown.reason, "NoReader")
      assert.include(unknown.message, `"${R0}", "${R1}"`)
    })
  )

  it.live("cards on two readers: the first, or AmbiguousReader before any connect when whenSeveralCards is fail", () =>
    Effect.gen(function* () {
      const { pcsc, binding } = setup()
      pcsc.insert(R0, card())
      pcsc.insert(R1, card())
      const first = yield* Effect.scoped(PcscTransport.session()).pipe(Effect.provide(binding))
      assert.strictEqual(first.reader, R0)
      const connects = pcsc.log.filter((line) => line.startsWith("connect")).length
      const error = errorOf(
        yield* Effect.exit(
          Effect.scoped(PcscTransport.session({ whenSeveralCards: "fail" })).pipe(Effect.provide(binding))
        )
      )
      assert.strictEqual(error.reason, "AmbiguousReader")
      assert.include(error.message, `"${R0}", "${R1}"`)
      assert.match(error.message, /name the reader to use/)
      assert.strictEqual(pcsc.log.filter((line) => line.startsWith("connect")).length, connects, "no card touched")
      const named = yield* Effect.scoped(PcscTransport.session({ reader: R1, whenSeveralCards: "fail" })).pipe(
        Effect.provide(binding)
      )
      assert.strictEqual(named.reader, R1)
      const misspelt = errorOf(
        yield* Effect.exit(
          Effect.scoped(PcscTransport.session({ whenSeveralCards: "error" as never })).pipe(Effect.provide(binding))
        )
      )
      assert.include(misspelt.message, "options.whenSeveralCards")
    })
  )

  it.live("the PC/SC service not running: NoReader telling how to start pcscd", () =>
    Effect.gen(function* () {
      const { pcsc, binding } = setup()
      pcsc.serviceRunning = false
      const error = errorOf(yield* Effect.exit(Effect.scoped(PcscTransport.session()).pipe(Effect.provide(binding))))
      assert.strictEqual(error.reason, "NoReader")
      assert.match(error.message, /systemctl start pcscd\.socket/)
    })
  )

  it.live("a second exclusive session on the same reader: SharingViolation; none leaks", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      yield* onR0(() =>
        Effect.gen(function* () {
          const error = errorOf(yield* Effect.exit(Effect.scoped(PcscTransport.session({ reader: R0 }))))
          assert.strictEqual(error.reason, "SharingViolation")
          assert.match(error.message, /another program is using the reader/)
          const shared = errorOf(
            yield* Effect.exit(Effect.scoped(PcscTransport.session({ reader: R0, shareMode: "shared" })))
          )
          assert.strictEqual(shared.reason, "SharingViolation")
        })
      )
      assert.strictEqual(pcsc.openHandles(), 0)
      assert.strictEqual(pcsc.openContexts(), 0)
    })
  )

  it.live("card removed mid-session: CardRemoved; the session is given up and released without a reset", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      const exit = yield* Effect.exit(
        onR0((s) =>
          Effect.gen(function* () {
            yield* s.transport.transmit(SELECT)
            pcsc.remove(R0)
            yield* s.transport.transmit(SELECT)
          })
        )
      )
      const error = errorOf(exit)
      assert.strictEqual(error.reason, "CardRemoved")
      assert.match(error.message, /keep it still on the reader and read again/)
      assert.strictEqual(pcsc.log.at(-2), `disconnect ${R0} leave`)
      assert.strictEqual(pcsc.openHandles(), 0)
    })
  )

  it.live("an ambiguous failure is classified by looking at the reader: card gone is CardRemoved", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      const error = yield* onR0((s) => {
        pcsc.failNext(R0, "transmit", "SCARD_E_NOT_TRANSACTED")
        setTimeout(() => pcsc.remove(R0), 20)
        return Effect.flip(s.transport.transmit(SELECT))
      })
      assert.strictEqual(error.reason, "CardRemoved")
      assert.match(error.detail ?? "", /SCARD_E_NOT_TRANSACTED.*card left the reader/)
    })
  )

  it.live("an ambiguous failure with the card still there stays Io", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      const error = yield* onR0((s) =>
        Effect.gen(function* () {
          pcsc.failNext(R0, "transmit", "SCARD_F_COMM_ERROR")
          const e = yield* Effect.flip(s.transport.transmit(SELECT))
          // not given up: the next exchange works
          assert.strictEqual(hex(yield* s.transport.transmit(SELECT)), "9000")
          return e
        })
      )
      assert.strictEqual(error.reason, "Io")
    })
  )

  it.live("reader unplugged mid-session: ReaderUnavailable", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      const error = yield* onR0((s) => {
        pcsc.removeReader(R0)
        return Effect.flip(s.transport.transmit(SELECT))
      })
      assert.strictEqual(error.reason, "ReaderUnavailable")
      assert.match(error.message, /reconnect it and retry/)
      assert.strictEqual(pcsc.openHandles(), 0)
    })
  )

  it.live("a card that never answers: Timeout; the session refuses further APDUs", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      pcsc.insert(R0, card())
      yield* onR0(
        (s) =>
          Effect.gen(function* () {
            pcsc.failNext(R0, "transmit", { hang: true })
            const error = yield* Effect.flip(s.transport.transmit(SELECT))
            assert.strictEqual(error.reason, "Timeout")
            assert.match(error.message, /did not answer in time/)
            const again = yield* Effect.flip(s.transport.transmit(SELECT))
            assert.strictEqual(again.reason, "Timeout")
            pcsc.releaseHung()
          }),
        { timeout: "50 millis" }
      )
      assert.strictEqual(pcsc.log.filter((l) => l === "transmit").length, 0)
      assert.strictEqual(pcsc.openHandles(), 0)
    })
  )

  it.live("waits for a card when asked to", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup()
      setTimeout(() => pcsc.insert(R0, card()), 20)
      const info = yield* onR0(Effect.succeed, { waitForCard: "5 seconds" })
      assert.strictEqual(info.reader, R0)
    })
  )
})

describe("extended length", () => {
  const capabilities = (
    options: PcscTransport.SessionOptions,
    reader: TestDriver.TestReaderOptions,
    protocol: "T0" | "T1" = "T1"
  ) =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup(reader)
      pcsc.insert(R0, card(protocol))
      return yield* onR0(Effect.succeed, options)
    })

  it.live("T=1 and a reader that does not say: assumed, 64 KiB", () =>
    Effect.gen(function* () {
      const s = yield* capabilities({}, {})
      assert.deepStrictEqual(s.capabilities, {
        extendedLength: true,
        maxResponseLength: 65536,
        maxCommandLength: 65544
      })
      assert.strictEqual(s.extendedLengthSource, "assumed (T=1)")
    })
  )

  it.live("a reader reporting dwMaxAPDUDataSize 0 (short APDUs only): short", () =>
    Effect.gen(function* () {
      const s = yield* capabilities({}, { maxApduDataSize: 0 })
      assert.deepStrictEqual(s.capabilities, { extendedLength: false, maxResponseLength: 256, maxCommandLength: 261 })
      assert.strictEqual(s.extendedLengthSource, "reader property")
    })
  )

  it.live("a reader reporting 65535 (vpcd) or 0x10000 (libccid)", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* capabilities({}, { maxApduDataSize: 0xffff })).capabilities.maxResponseLength, 65535)
      assert.strictEqual((yield* capabilities({}, { maxApduDataSize: 0x10000 })).capabilities.maxResponseLength, 65536)
    })
  )

  it.live("T=0: short, whatever the reader says", () =>
    Effect.gen(function* () {
      const s = yield* capabilities({}, { maxApduDataSize: 0x10000 }, "T0")
      assert.isFalse(s.capabilities.extendedLength)
      assert.strictEqual(s.extendedLengthSource, "protocol T=0")
      assert.strictEqual(s.protocol, "T0")
    })
  )

  it.live("the option wins", () =>
    Effect.gen(function* () {
      assert.isFalse((yield* capabilities({ extendedLength: false }, {})).capabilities.extendedLength)
      assert.isTrue((yield* capabilities({ extendedLength: true }, { maxApduDataSize: 0 })).capabilities.extendedLength)
    })
  )

  it.live("a response longer than the receive buffer: Io naming the buffer", () =>
    Effect.gen(function* () {
      const { pcsc, onR0 } = setup({ maxApduDataSize: 0 })
      pcsc.insert(R0, { ...card(), transmit: () => new Uint8Array(300) })
      const error = yield* onR0((s) => Effect.flip(s.transport.transmit(SELECT)))
      assert.strictEqual(error.reason, "Io")
      assert.match(error.message, /longer than the receive buffer/)
    })
  )
})

describe("PcscTransport.layerFrom and Async", () => {
  it.live("the layer provides CardTransport and PcscSession for one session", () =>
    Effect.gen(function* () {
      const { pcsc, binding } = setup()
      pcsc.insert(R0, card())
      const [response, info] = yield* Effect.all([
        CardTransport.use((t) => t.transmit(SELECT)),
        PcscTransport.PcscSession.use((s) => Effect.succeed(s))
      ]).pipe(Effect.provide(PcscTransport.layerFrom({ reader: R0 }).pipe(Layer.provide(binding))))
      assert.strictEqual(hex(response), "9000")
      assert.strictEqual(info.reader, R0)
      assert.strictEqual(pcsc.openHandles(), 0)
    })
  )

  it("Async: listReaders, withCard (reset after a throw), run", async () => {
    const { pcsc, binding } = setup()
    pcsc.insert(R0, card())
    const api = Async.make(binding)
    assert.deepStrictEqual(
      (await api.listReaders()).map((r) => [r.name, r.cardPresent]),
      [
        [R0, true],
        [R1, false]
      ]
    )
    assert.strictEqual(await api.withCard({}, async (c) => hex(await c.transmit(SELECT))), "9000")
    const thrown = await api
      .withCard({}, async () => {
        throw new Error("boom")
      })
      .catch((e: unknown) => e)
    assert.strictEqual((thrown as Error).message, "boom")
    assert.strictEqual(pcsc.log.at(-2), `disconnect ${R0} reset`)
    const rejected = await api
      .run(
        CardTransport.use((t) => t.transmit(SELECT)),
        { reader: R1 }
      )
      .catch((e: unknown) => e)
    assert.instanceOf(rejected, TransportError)
    assert.strictEqual((rejected as TransportError).reason, "NoCard")
    assert.strictEqual(pcsc.openHandles(), 0)
    assert.strictEqual(pcsc.openContexts(), 0)
  })
})
