// What a PC/SC binding may answer a transmit with: bytes of any length, a value that is not bytes, a synchronous
// throw or a rejection with anything at all (null, a proxy whose traps throw, a message that echoes the command). Every
// exchange ends in the response, when it is 2 to 258 bytes (the receive buffer of a short-APDU reader), or in one
// TransportError that shows none of the command's data; the session is released either way.
import { TransportError } from "@jpcard/core/transport/CardTransport"
import { Effect } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { PcscFailure, toTransportError } from "../../src/Errors.js"
import * as Pcsc from "../../src/Pcsc.js"
import * as PcscTransport from "../../src/PcscTransport.js"
import type * as TestDriver from "../../src/TestDriver.js"
import {
  assertDiscreet,
  cause,
  hex,
  hostile,
  later,
  type Outcome,
  type Overrides,
  R0,
  run,
  textsOf,
  trap,
  twoReaders,
  verify
} from "./harness.js"

/** One exchange on R0 over a binding with `overrides`; the session's leftovers are checked. */
const exchange = async (
  command: Uint8Array,
  overrides: Overrides,
  pcsc: TestDriver.TestDriver = twoReaders()
): Promise<Outcome<Uint8Array>> => {
  // presence checks after an `Io` answer at once (the card is still there) instead of waiting a second
  const driver = hostile(pcsc, { getStatusChange: () => later("timeout"), ...overrides })
  const outcome = await run(
    Effect.scoped(
      Effect.flatMap(PcscTransport.session({ reader: R0, disposition: "leave" }), (s) => s.transport.transmit(command))
    ).pipe(Effect.provide(Pcsc.layerDriver(driver)))
  )
  assert.strictEqual(pcsc.openHandles(), 0, "the card handle is released")
  assert.strictEqual(pcsc.openContexts(), 0, "the context is released")
  assert.match(pcsc.log.at(-2) ?? "", /^disconnect /)
  assert.strictEqual(pcsc.log.at(-1), "release")
  return outcome
}

type Answer =
  | { readonly kind: "bytes"; readonly bytes: Uint8Array; readonly late: boolean }
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "throw" | "reject"; readonly cause: (command: Uint8Array) => unknown }

const answer: fc.Arbitrary<Answer> = fc.oneof(
  fc.record({
    kind: fc.constant("bytes" as const),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 3 }),
      fc.uint8Array({ minLength: 2, maxLength: 300 }),
      fc.constant(new Uint8Array(258)),
      fc.constant(new Uint8Array(259)),
      fc.constant(new Uint8Array(100_000)),
      fc.constant(Buffer.from([0x90, 0x00]))
    ),
    late: fc.boolean()
  }),
  fc.record({
    kind: fc.constant("value" as const),
    value: fc.oneof(
      fc.constantFrom<unknown>(
        null,
        undefined,
        "9000",
        [0x90, 0x00],
        { length: 2 },
        new ArrayBuffer(2),
        Int8Array.of(0x6d, 0),
        Promise.resolve("9000")
      ),
      fc.anything().filter((v) => !(v instanceof Uint8Array))
    )
  }),
  fc.record({ kind: fc.constantFrom("throw" as const, "reject" as const), cause })
)

const overridesFor = (a: Answer): Overrides => ({
  transmit: (command) => {
    switch (a.kind) {
      case "bytes":
        return a.late ? later(a.bytes) : Promise.resolve(a.bytes)
      case "value":
        return Promise.resolve(a.value)
      case "throw":
        throw a.cause(command)
      case "reject":
        return Promise.reject(a.cause(command))
    }
  }
})

describe("a binding's answer to a transmit", () => {
  it("is the response when it is 2 to 258 bytes, else one TransportError that shows none of the command", async () => {
    await fc.assert(
      fc.asyncProperty(answer, fc.stringMatching(/^\d{4}$/), fc.stringMatching(/^\d{4}$/), async (a, pin, twinPin) => {
        const command = verify(pin)
        const outcome = await exchange(command, overridesFor(a))
        const valid = a.kind === "bytes" && a.bytes.length >= 2 && a.bytes.length <= 258
        if (valid) {
          assert.strictEqual(outcome._tag, "Success")
          if (outcome._tag === "Success") assert.strictEqual(hex(outcome.value), hex(a.bytes))
          return
        }
        assert.strictEqual(outcome._tag, "Failure", "a bad answer is never passed on")
        if (outcome._tag !== "Failure") return
        const data = command.subarray(5)
        assertDiscreet(outcome.error, [hex(data), hex(data).toLowerCase(), Array.from(data).join(",")])
        if (textsOf(outcome.error).some((t) => t.includes(pin)) && twinPin !== pin) {
          // 4 digits may occur by chance (a PC/SC code); then the same run with another PIN reads the same
          const twin = await exchange(verify(twinPin), overridesFor(a))
          assert.strictEqual(twin._tag, "Failure")
          if (twin._tag === "Failure")
            assert.deepStrictEqual(textsOf(twin.error), textsOf(outcome.error), "the error shows the PIN")
        }
      }),
      { numRuns: 300 }
    )
  })

  it("a string, a number list or an array-like is not a response (it was passed on)", async () => {
    for (const value of ["9000", [0x90, 0x00], { length: 2 }]) {
      const outcome = await exchange(verify("1234"), { transmit: () => Promise.resolve(value) })
      assert.strictEqual(outcome._tag, "Failure")
      if (outcome._tag === "Failure") {
        assert.strictEqual(outcome.error.reason, "Io")
        assert.match(outcome.error.message, /not bytes/)
      }
    }
  })

  it("null is an Io error, not a TypeError in the status-word check", async () => {
    const outcome = await exchange(verify("1234"), { transmit: () => Promise.resolve(null) })
    assert.strictEqual(outcome._tag, "Failure")
  })

  it("more bytes than the receive buffer (a binding that ignores maxRecvLength) is not a response", async () => {
    const outcome = await exchange(verify("1234"), {
      transmit: (_c, max) => Promise.resolve(new Uint8Array(max + 1).fill(0x90))
    })
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag === "Failure")
      assert.match(outcome.error.message, /259 bytes, longer than the receive buffer of 258/)
  })

  it("an object without a prototype, thrown or rejected, is a TransportError (String() of it throws)", async () => {
    for (const overrides of [
      {
        transmit: () => {
          throw Object.create(null)
        }
      },
      { transmit: () => Promise.reject(Object.create(null)) }
    ]) {
      const outcome = await exchange(verify("1234"), overrides)
      assert.strictEqual(outcome._tag, "Failure")
    }
  })

  it("a binding message that echoes the command does not carry the PIN into the error", async () => {
    const command = verify("4711")
    const outcome = await exchange(command, {
      transmit: (c) => Promise.reject(new Error(`SCardTransmit failed for ${hex(c)} (${String.fromCharCode(...c)})`))
    })
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag === "Failure") {
      for (const text of textsOf(outcome.error)) {
        assert.notInclude(text, "4711")
        assert.notInclude(text, "34373131")
      }
      assert.match(outcome.error.message, /SCardTransmit failed for … \(/)
    }
  })

  it("a card removed while the binding answers: an empty answer is CardRemoved, and the card is left alone", async () => {
    const pcsc = twoReaders()
    const outcome = await exchange(
      verify("1234"),
      {
        transmit: () => {
          pcsc.remove(R0)
          return later(new Uint8Array(0))
        }
      },
      pcsc
    )
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag === "Failure") {
      assert.strictEqual(outcome.error.reason, "CardRemoved")
      assert.match(outcome.error.message, /0 byte\(s\) without a status word; the card left the reader/)
    }
    assert.strictEqual(pcsc.log.at(-2), `disconnect ${R0} leave`)
  })
})

describe("PcscFailure.from and toTransportError", () => {
  it("never throw, whatever was thrown, and keep the message short and on one line", () => {
    fc.assert(
      fc.property(
        cause,
        fc.constantFrom("connect", "transmit", "list", "wait") as fc.Arbitrary<"transmit">,
        (c, op) => {
          const thrown = c(Uint8Array.of(0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34))
          const failure = PcscFailure.from(thrown)
          assert.isString(failure.scard)
          const error = toTransportError(thrown, op, "R")
          assert.instanceOf(error, TransportError)
          assert.isBelow(error.message.length, 1000)
          assert.isFalse(
            Array.from(error.message).some((c) => c.charCodeAt(0) < 0x20 || c === "\u2028" || c === "\u2029"),
            "one line, no control characters"
          )
        }
      ),
      { numRuns: 500 }
    )
  })

  it("a message that names an Object.prototype member is no SCARD name", () => {
    for (const message of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const failure = PcscFailure.from(new Error(message))
      assert.strictEqual(failure.scard, "UNKNOWN")
      assert.strictEqual(toTransportError(new Error(message), "transmit", "R").reason, "Io")
      assert.notInclude(toTransportError(new Error(message), "transmit", "R").message, "function")
    }
  })

  it("a message or a code that is not a string or a number, a throwing getter, a proxy: UNKNOWN", () => {
    assert.strictEqual(PcscFailure.from(Object.assign(new Error("x"), { message: 42 })).scard, "UNKNOWN")
    assert.strictEqual(PcscFailure.from(trap()).scard, "UNKNOWN")
    assert.strictEqual(toTransportError(trap(), "connect").reason, "Io")
  })
})
