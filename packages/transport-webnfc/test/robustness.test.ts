// Each adapter fed what a bridge (a plugin, a WebSocket agent, a Web Smart Card connection) may answer: a throw, a
// rejection with anything, an answer that is not bytes, has no status word or is longer than the capabilities allow;
// and capabilities or options that are absent, NaN or negative. An exchange ends in the response or in one
// TransportError naming the adapter and showing none of the command; constructing an adapter never throws. Web NFC,
// NDEF only, is a typed NotInstalled error at run time.
import { CardTransport, ResidenceCard } from "@jpcard/core"
import { ResidenceGen1 } from "@jpcard/sim"
import { Cause, Effect, Exit, Layer } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as Adapters from "../src/Adapters.js"
import * as WebNfc from "../src/WebNfc.js"

const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase()

const verify = (pin: string) =>
  Uint8Array.of(0x00, 0x20, 0x00, 0x80, pin.length, ...Array.from(pin, (c) => c.charCodeAt(0)))

type Outcome =
  | { readonly _tag: "Success"; readonly value: Uint8Array }
  | { readonly _tag: "Failure"; readonly error: CardTransport.TransportError }

/** A response or exactly one TransportError; a defect or a foreign error fails the test. */
const exchange = async (transport: CardTransport.CardTransportShape, command: Uint8Array): Promise<Outcome> => {
  const exit = await Effect.runPromise(Effect.exit(Effect.suspend(() => transport.transmit(command))))
  if (Exit.isSuccess(exit)) return { _tag: "Success", value: exit.value }
  const reason = exit.cause.reasons[0]
  if (exit.cause.reasons.length !== 1 || reason === undefined || !Cause.isFailReason(reason))
    throw new Error(`not one typed failure:\n${Cause.pretty(exit.cause)}`)
  if (!(reason.error instanceof CardTransport.TransportError))
    throw new Error(`not a TransportError:\n${Cause.pretty(exit.cause)}`)
  return { _tag: "Failure", error: reason.error }
}

const textsOf = (error: CardTransport.TransportError) => [error.message, JSON.stringify(error)]

/** A proxy whose every trap throws. */
const trap = (): object => {
  const fail = () => {
    throw new Error("trap")
  }
  return new Proxy({}, { get: fail, has: fail, getPrototypeOf: fail, ownKeys: fail, getOwnPropertyDescriptor: fail })
}

/** What a bridge throws or rejects with, as a function of the command (some echo it). */
const cause: fc.Arbitrary<(command: Uint8Array) => unknown> = fc.oneof(
  fc
    .constantFrom<unknown>(null, undefined, 0, "", Symbol("s"), Object.create(null), new Error("Tag connection lost"), {
      get message(): string {
        throw new Error("getter")
      }
    })
    .map((v) => () => v),
  fc.constant(() => trap()),
  fc.constantFrom(
    (c: Uint8Array) => new Error(`transceive failed: ${hex(c)}`),
    (c: Uint8Array) => new Error(`transceive failed: ${hex(c).toLowerCase()}`),
    (c: Uint8Array) => new Error(`transceive failed: [${Array.from(c).join(", ")}]`),
    (c: Uint8Array) => new Error(`sent ${Array.from(c, (b) => b.toString(16).padStart(2, "0")).join(" ")}`),
    (c: Uint8Array) => `${String.fromCharCode(...c)}`
  ),
  fc.string({ maxLength: 200 }).map((m) => () => new Error(m)),
  fc.anything().map((v) => () => v)
)

type Answer =
  | { readonly kind: "answer"; readonly value: unknown }
  | { readonly kind: "throw" | "reject"; readonly cause: (command: Uint8Array) => unknown }

const answer: fc.Arbitrary<Answer> = fc.oneof(
  fc.record({
    kind: fc.constant("answer" as const),
    value: fc.oneof(
      fc.uint8Array({ maxLength: 3 }),
      fc.uint8Array({ minLength: 2, maxLength: 300 }),
      fc.array(fc.integer({ min: -300, max: 300 }), { maxLength: 300 }),
      fc.array(fc.nat(255), { maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => b.buffer),
      fc.constantFrom<unknown>(
        null,
        undefined,
        5,
        "9000",
        { length: 2 },
        [1.5, 0x90],
        ["0x90", "0x00"],
        Int8Array.of(1)
      ),
      fc.anything()
    )
  }),
  fc.record({ kind: fc.constantFrom("throw" as const, "reject" as const), cause })
)

/** The three adapters over one bridge behaviour, with short-APDU limits (258 bytes with the status word). */
const adapters = (respond: (command: Uint8Array) => unknown) => ({
  fromTransceive: {
    transport: Adapters.fromTransceive((c) => respond(c) as Promise<Uint8Array>, CardTransport.shortOnly),
    accepts: (v: unknown) => v instanceof Uint8Array
  },
  fromIsoDep: {
    transport: Adapters.fromIsoDep(
      { transceive: (bytes) => respond(Uint8Array.from(bytes)) as Promise<Array<number>> },
      { extendedLength: false, maxTransceiveLength: 258 }
    ),
    accepts: (v: unknown) =>
      v instanceof Uint8Array || (Array.isArray(v) && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255))
  },
  fromWebSmartCard: {
    transport: Adapters.fromWebSmartCard(
      { transmit: (data) => respond(new Uint8Array(data as ArrayBuffer)) as Promise<ArrayBuffer> },
      CardTransport.shortOnly
    ),
    accepts: (v: unknown) => v instanceof ArrayBuffer || ArrayBuffer.isView(v)
  }
})

const lengthOf = (v: unknown): number =>
  v instanceof ArrayBuffer ? v.byteLength : ArrayBuffer.isView(v) ? v.byteLength : (v as ArrayLike<unknown>).length

const respondWith = (a: Answer) => (command: Uint8Array) => {
  switch (a.kind) {
    case "answer":
      return Promise.resolve(a.value)
    case "throw":
      throw a.cause(command)
    case "reject":
      return Promise.reject(a.cause(command))
  }
}

describe("each adapter fed hostile bridge answers", () => {
  it("passes on 2 to 258 bytes of the right kind; anything else is one TransportError naming the adapter", async () => {
    await fc.assert(
      fc.asyncProperty(answer, fc.stringMatching(/^\d{4}$/), fc.stringMatching(/^\d{4}$/), async (a, pin, twinPin) => {
        for (const [name, { transport, accepts }] of Object.entries(adapters(respondWith(a)))) {
          const outcome = await exchange(transport, verify(pin))
          const valid = a.kind === "answer" && accepts(a.value) && lengthOf(a.value) >= 2 && lengthOf(a.value) <= 258
          assert.strictEqual(outcome._tag, valid ? "Success" : "Failure", name)
          if (outcome._tag === "Success") {
            assert.deepStrictEqual(
              Array.from(outcome.value),
              Array.from(
                a.kind === "answer" && a.value instanceof ArrayBuffer
                  ? new Uint8Array(a.value)
                  : (a as { value: ArrayLike<number> }).value
              )
            )
            continue
          }
          assert.include(outcome.error.message, `Adapters.${name}`)
          const data = verify(pin).subarray(5)
          for (const text of textsOf(outcome.error)) {
            assert.notInclude(text, hex(data))
            assert.notInclude(text, hex(data).toLowerCase())
            assert.notInclude(text, Array.from(data).join(", "))
            assert.notMatch(text, /[0-9A-Fa-f]{16,}/)
            assert.isBelow(text.length, 1000)
          }
          if (textsOf(outcome.error).some((t) => t.includes(pin)) && twinPin !== pin) {
            const twin = await exchange(adapters(respondWith(a))[name as "fromIsoDep"].transport, verify(twinPin))
            assert.strictEqual(twin._tag, "Failure")
            if (twin._tag === "Failure") assert.deepStrictEqual(textsOf(twin.error), textsOf(outcome.error))
          }
        }
      }),
      { numRuns: 300 }
    )
  })

  it("fromTransceive: a response without a status word, or not bytes, is not passed on", async () => {
    for (const value of [Uint8Array.of(0x90), new Uint8Array(0), "9000", null, [0x90, 0x00]]) {
      const outcome = await exchange(
        Adapters.fromTransceive(async () => value as Uint8Array, CardTransport.shortOnly),
        verify("1234")
      )
      assert.strictEqual(outcome._tag, "Failure", String(value))
    }
  })

  it("fromIsoDep: 300, -1 or a string are not bytes (Uint8Array.from would wrap them into a response)", async () => {
    for (const value of [[300, 0x90, 0x00], [-1, 0x90, 0x00], "9000", [0.5, 0x90, 0x00], { length: 3 }]) {
      const outcome = await exchange(
        Adapters.fromIsoDep(
          { transceive: async () => value as Array<number> },
          { extendedLength: false, maxTransceiveLength: 261 }
        ),
        verify("1234")
      )
      assert.strictEqual(outcome._tag, "Failure", JSON.stringify(value))
    }
  })

  it("fromWebSmartCard: a number or a string is not an ArrayBuffer (new Uint8Array(5) would be five zero bytes)", async () => {
    for (const value of [5, "12", null, undefined, [0x90, 0x00]] as ReadonlyArray<unknown>) {
      const outcome = await exchange(
        Adapters.fromWebSmartCard({ transmit: async () => value as ArrayBuffer }),
        verify("1234")
      )
      assert.strictEqual(outcome._tag, "Failure", String(value))
    }
    const view = await exchange(
      Adapters.fromWebSmartCard({
        transmit: async () => Uint8Array.of(0, 0x90, 0x00).subarray(1) as unknown as ArrayBuffer
      }),
      verify("1234")
    )
    assert.strictEqual(view._tag, "Success")
    if (view._tag === "Success") assert.deepStrictEqual(Array.from(view.value), [0x90, 0x00])
  })

  it("a response longer than the capabilities claim is not passed on", async () => {
    const long = new Uint8Array(300).fill(0x90)
    for (const transport of [
      Adapters.fromTransceive(async () => long, CardTransport.shortOnly),
      Adapters.fromIsoDep(
        { transceive: async () => Array.from(long) },
        { extendedLength: false, maxTransceiveLength: 261 }
      ),
      Adapters.fromWebSmartCard({ transmit: async () => long.buffer }, CardTransport.shortOnly)
    ]) {
      const outcome = await exchange(transport, verify("1234"))
      assert.strictEqual(outcome._tag, "Failure")
      if (outcome._tag === "Failure") assert.match(outcome.error.message, /300 bytes, more than the (258|261)/)
    }
  })

  it("an object without a prototype, thrown, is a TransportError (String() of it throws)", async () => {
    const outcome = await exchange(
      Adapters.fromTransceive(() => {
        throw Object.create(null)
      }, CardTransport.shortOnly),
      verify("1234")
    )
    assert.strictEqual(outcome._tag, "Failure")
  })

  it("a bridge error that echoes the command does not carry the PIN into the error", async () => {
    const outcome = await exchange(
      Adapters.fromTransceive(async (c) => {
        throw new Error(`agent: transceive ${hex(c)} failed`)
      }, CardTransport.shortOnly),
      verify("4711")
    )
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag === "Failure") for (const text of textsOf(outcome.error)) assert.notInclude(text, "34373131")
  })
})

describe("capabilities and options of the wrong shape", () => {
  const badNumbers = [undefined, null, Number.NaN, -1, 0, 1.5, Number.POSITIVE_INFINITY, "261", 1e9]

  it("never throw at construction; report usable capabilities; fail each exchange naming the argument", async () => {
    const bad: Array<[string, () => CardTransport.CardTransportShape]> = [
      [
        "fromTransceive without capabilities",
        () => Adapters.fromTransceive(async () => Uint8Array.of(0x90, 0), undefined as never)
      ],
      ["fromTransceive without a function", () => Adapters.fromTransceive(undefined as never, CardTransport.shortOnly)],
      [
        "fromIsoDep without options",
        () => Adapters.fromIsoDep({ transceive: async () => [0x90, 0] }, undefined as never)
      ],
      [
        "fromIsoDep without a handler",
        () => Adapters.fromIsoDep(null as never, { extendedLength: true, maxTransceiveLength: 261 })
      ],
      ["fromWebSmartCard without a connection", () => Adapters.fromWebSmartCard(undefined as never)],
      ["withTimeout without a transport", () => Adapters.withTimeout(undefined as never, 1000)]
    ]
    for (const n of badNumbers) {
      const caps = { extendedLength: false, maxResponseLength: n, maxCommandLength: 261 } as never
      bad.push([
        `fromTransceive maxResponseLength ${String(n)}`,
        () => Adapters.fromTransceive(async () => Uint8Array.of(0x90, 0), caps)
      ])
      bad.push([
        `fromWebSmartCard maxResponseLength ${String(n)}`,
        () => Adapters.fromWebSmartCard({ transmit: async () => new ArrayBuffer(2) }, caps)
      ])
      bad.push([
        `fromIsoDep maxTransceiveLength ${String(n)}`,
        () =>
          Adapters.fromIsoDep(
            { transceive: async () => [0x90, 0] },
            { extendedLength: true, maxTransceiveLength: n as never }
          )
      ])
      if (n !== Number.POSITIVE_INFINITY && n !== 1e9 && n !== 1.5)
        bad.push([
          `withTimeout ${String(n)}`,
          () =>
            Adapters.withTimeout(
              Adapters.fromTransceive(async () => Uint8Array.of(0x90, 0), CardTransport.shortOnly),
              n as never
            )
        ])
    }
    for (const [label, make] of bad) {
      const transport = make()
      const caps = transport.capabilities
      assert.isTrue(Number.isInteger(caps.maxResponseLength) && caps.maxResponseLength >= 1, label)
      assert.isTrue(Number.isInteger(caps.maxCommandLength) && caps.maxCommandLength >= 5, label)
      const outcome = await exchange(transport, verify("1234"))
      if (label.startsWith("fromIsoDep maxTransceiveLength 1000000000")) {
        // a limit past the APDU maximum is no limit
        assert.strictEqual(outcome._tag, "Success", label)
        continue
      }
      assert.strictEqual(outcome._tag, "Failure", label)
      if (outcome._tag === "Failure") {
        assert.strictEqual(outcome.error.reason, "Io", label)
        assert.match(outcome.error.message, /Adapters\.\w+: .* must (be|have) .*fix the call/, label)
      }
    }
  })

  it("fromIsoDep with NaN used to report NaN capabilities and send anyway", async () => {
    const transport = Adapters.fromIsoDep(
      { transceive: async () => [0x90, 0x00] },
      { extendedLength: true, maxTransceiveLength: Number.NaN }
    )
    assert.isFalse(Number.isNaN(transport.capabilities.maxResponseLength))
    assert.strictEqual((await exchange(transport, verify("1234")))._tag, "Failure")
  })

  it("a command longer than the IsoDep device limit is refused before it is sent", async () => {
    let sent = 0
    const transport = Adapters.fromIsoDep(
      {
        transceive: async () => {
          sent++
          return [0x90, 0x00]
        }
      },
      { extendedLength: false, maxTransceiveLength: 8 }
    )
    const outcome = await exchange(transport, verify("1234"))
    assert.strictEqual(outcome._tag, "Failure")
    if (outcome._tag === "Failure") assert.match(outcome.error.message, /9 bytes exceeds the device limit of 8/)
    assert.strictEqual(sent, 0)
  })

  it("a whole residence card read still works through a checked IsoDep adapter with the iOS limits", async () => {
    const card = ResidenceGen1.make({ seed: 1 })
    const transport = Adapters.fromIsoDep(
      { transceive: async (bytes) => Array.from(card.transmit(Uint8Array.from(bytes))) },
      { extendedLength: true, maxTransceiveLength: 1695 }
    )
    const result = await Effect.runPromise(
      ResidenceCard.read(card.cardNumber).pipe(Effect.provide(Layer.succeed(CardTransport.CardTransport, transport)))
    )
    assert.strictEqual(result.filesRead.length, 7)
  })
})

describe("Web NFC at run time", () => {
  it("WebNfc.transport and WebNfc.layer fail with NotInstalled saying NDEF only and what to use", async () => {
    for (const scope of [{ NDEFReader: class {} }, {}]) {
      const error = await Effect.runPromise(Effect.flip(WebNfc.transport(scope)))
      assert.strictEqual(error.reason, "NotInstalled")
      assert.include(error.message, "WebNfc.transport")
      assert.include(error.message, "fromIsoDep")
      const viaLayer = await Effect.runPromise(
        Effect.flip(
          CardTransport.CardTransport.use((t) => t.transmit(verify("1234"))).pipe(Effect.provide(WebNfc.layer(scope)))
        )
      )
      assert.strictEqual(viaLayer.reason, "NotInstalled")
    }
    assert.include(
      (await Effect.runPromise(Effect.flip(WebNfc.transport({ NDEFReader: class {} })))).message,
      "NDEF messages only"
    )
  })

  it("support() never throws, whatever the scope", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.constant(null),
          fc.constant(() => trap())
        ),
        (value) => {
          const scope = typeof value === "function" ? (value as () => object)() : value
          const s = WebNfc.support(scope as object)
          assert.isFalse(s.isoDep)
          assert.isString(s.reason)
        }
      )
    )
  })
})
