// The transport seam and its test doubles: the scripted card must catch every wrong byte, and failures of the link
// must come out as TransportError.
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import { fromHex, toHex } from "../../src/Bytes.js"
import {
  CardTransport,
  extended,
  fromTransceive,
  layer,
  shortOnly,
  TransportError
} from "../../src/transport/CardTransport.js"
import * as TestTransport from "../../src/transport/TestTransport.js"

const currentTransport = Effect.gen(function* () {
  return yield* CardTransport
})

const defectMessage = (exit: Exit.Exit<unknown, unknown>): string => {
  assert.isTrue(Exit.hasDies(exit), "expected a defect")
  if (Exit.isSuccess(exit)) return ""
  const defect = Cause.squash(exit.cause)
  return defect instanceof Error ? defect.message : String(defect)
}

describe("TestTransport.scripted", () => {
  it.effect("answers the scripted commands in order, ignoring white space and case in the script", () =>
    Effect.gen(function* () {
      const t = TestTransport.scripted([
        { command: "00 84 00 00 08", response: "5a 6e 7e 38 51 62 b7 a3 90 00" },
        { command: "00a4040c02 3f00", response: "9000" }
      ])
      assert.strictEqual(t.remaining(), 2)
      assert.strictEqual(toHex(yield* t.transmit(fromHex("00 84 00 00 08"))), "5A6E7E385162B7A39000")
      assert.strictEqual(t.remaining(), 1)
      assert.strictEqual(toHex(yield* t.transmit(fromHex("00 A4 04 0C 02 3F 00"))), "9000")
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("a different command is a defect showing both, and does not advance the script", () =>
    Effect.gen(function* () {
      const t = TestTransport.scripted([{ command: "00 B0 85 00 00 00 00", response: "90 00" }])
      const exit = yield* Effect.exit(t.transmit(fromHex("00 B0 85 00 00")))
      assert.strictEqual(defectMessage(exit), "command 0: expected 00B08500000000, got 00B0850000")
      assert.strictEqual(t.remaining(), 1)
    })
  )

  it.effect("a command past the end of the script is a defect", () =>
    Effect.gen(function* () {
      const t = TestTransport.scripted([])
      const exit = yield* Effect.exit(t.transmit(fromHex("00 84 00 00 08")))
      assert.strictEqual(defectMessage(exit), "unscripted command 0084000008")
    })
  )

  it("capabilities default to extended and can be given", () => {
    assert.deepStrictEqual(TestTransport.scripted([]).capabilities, extended)
    assert.deepStrictEqual(TestTransport.scripted([], shortOnly).capabilities, shortOnly)
  })

  it.effect("layer provides it as the CardTransport service", () =>
    Effect.gen(function* () {
      const t = TestTransport.scripted([{ command: "00 84 00 00 08", response: "90 00" }])
      const same = yield* Effect.provide(currentTransport, TestTransport.layer(t))
      assert.strictEqual(same, t)
    })
  )
})

describe("TestTransport.fromFunction", () => {
  it.effect("passes commands to the function and returns its answer", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const t = TestTransport.fromFunction((command) => {
        seen.push(toHex(command))
        return fromHex("90 00")
      }, shortOnly)
      assert.strictEqual(toHex(yield* t.transmit(fromHex("00 84 00 00 08"))), "9000")
      assert.deepStrictEqual(seen, ["0084000008"])
      assert.deepStrictEqual(t.capabilities, shortOnly)
    })
  )

  it.effect("an exception becomes a TransportError with reason Io", () =>
    Effect.gen(function* () {
      const t = TestTransport.fromFunction(() => {
        throw new Error("reader unplugged")
      })
      const e = yield* Effect.flip(t.transmit(fromHex("00 84 00 00 08")))
      assert.instanceOf(e, TransportError)
      assert.strictEqual(e.reason, "Io")
      assert.include(e.detail ?? "", "reader unplugged")
    })
  )
})

describe("CardTransport", () => {
  it("shortOnly and extended capabilities", () => {
    assert.deepStrictEqual(shortOnly, { extendedLength: false, maxResponseLength: 256, maxCommandLength: 261 })
    assert.deepStrictEqual(extended, { extendedLength: true, maxResponseLength: 65536, maxCommandLength: 65544 })
  })

  it.effect("fromTransceive: a resolved promise is the response, a rejection a TransportError Io with the detail", () =>
    Effect.gen(function* () {
      const good = fromTransceive(async () => fromHex("90 00"), shortOnly)
      assert.strictEqual(toHex(yield* good.transmit(fromHex("00 84 00 00 08"))), "9000")
      const bad = fromTransceive(() => Promise.reject(new Error("Tag connection lost")), extended)
      const e = yield* Effect.flip(bad.transmit(fromHex("00 84 00 00 08")))
      assert.strictEqual(e.reason, "Io")
      assert.strictEqual(e.detail, "Tag connection lost")
      const odd = fromTransceive(() => Promise.reject("NFCError 100"), extended)
      assert.strictEqual((yield* Effect.flip(odd.transmit(fromHex("00")))).detail, "NFCError 100")
    })
  )

  it.effect("fromTransceive: a bridge's garbage, throws and echoed commands are a TransportError Io, masked", () =>
    Effect.gen(function* () {
      const command = fromHex("00 20 00 80 04 31 32 33 34")
      const io = (transceive: (c: Uint8Array) => Promise<Uint8Array>) =>
        Effect.flip(fromTransceive(transceive, shortOnly).transmit(command))
      // Answers that are not a response APDU: passed on as responses before.
      for (const answer of ["9000", [0x90, 0x00], null, undefined, 5, fromHex("90")] as ReadonlyArray<unknown>) {
        const e = yield* io(async () => answer as Uint8Array)
        assert.strictEqual(e.reason, "Io")
        assert.match(e.detail ?? "", /answered/)
      }
      // Longer than the capabilities allow (256 data bytes and the status word on a short-only link).
      const long = yield* io(async () => new Uint8Array(259).fill(0x90))
      assert.include(long.detail ?? "", "259 bytes, more than the 258 its capabilities allow")
      // A synchronous throw, an object without a prototype (String() of it throws), a message echoing the command.
      const sync = yield* io(() => {
        throw new Error("bridge gone")
      })
      assert.strictEqual(sync.detail, "bridge gone")
      const bare = yield* io(() => Promise.reject(Object.create(null)))
      assert.strictEqual(bare.detail, "(an error without a message)")
      const echo = yield* io(() => Promise.reject(new Error("transceive failed for 0020008004 31323334\nretry")))
      assert.notInclude(echo.detail ?? "", "31323334")
      assert.notInclude(echo.detail ?? "", "1234")
      assert.notInclude(echo.detail ?? "", "\n")
      const list = yield* io(() => Promise.reject(new Error("APDU [0, 32, 0, 128, 4, 49, 50, 51, 52] refused")))
      assert.notInclude(list.detail ?? "", "49, 50, 51, 52")
      assert.include(list.detail ?? "", "refused")
    })
  )

  it.effect("layer provides a shape as the service", () =>
    Effect.gen(function* () {
      const shape = fromTransceive(async () => fromHex("90 00"), shortOnly)
      const got = yield* Effect.provide(currentTransport, layer(shape))
      assert.strictEqual(got.capabilities, shortOnly)
    })
  )

  it("TransportError messages give advice, with the detail in parentheses when there is one", () => {
    assert.strictEqual(
      new TransportError({ reason: "NoCard" }).message,
      "no card is on the reader; place the card on the reader and retry"
    )
    assert.strictEqual(
      new TransportError({ reason: "Io", detail: "SCARD_E_NO_SMARTCARD" }).message,
      "the transport failed (SCARD_E_NO_SMARTCARD)"
    )
    assert.strictEqual(new TransportError({ reason: "CardRemoved" })._tag, "TransportError")
  })
})
