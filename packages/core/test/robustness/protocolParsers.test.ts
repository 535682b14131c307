// The protocol layer's parsers fed anything: BER-TLV (one object, a sequence, the header-only length check the My
// Number reader uses), response APDUs and status words. Bytes in, a value or a typed error out, never a throw, and
// what decodes is consistent with what encodes.
import { CommandApdu } from "@jpcard/sim"
import { Result } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as Apdu from "../../src/apdu/Apdu.js"
import * as StatusWord from "../../src/apdu/StatusWord.js"
import { concat, toHex } from "../../src/Bytes.js"
import { dataObjectEnd } from "../../src/mynumber/Read.js"
import * as Tlv from "../../src/tlv/Tlv.js"

const bytes = fc.uint8Array({ maxLength: 300 })
const trailing = fc.constantFrom<Tlv.DecodeOptions["trailing"]>("none", "zeros", "filler", undefined)

/** Tags `Tlv.encode` writes and `Tlv.decodeAt` reads back: one byte not ending in 11111, or xxx11111 and any byte. */
const tag = fc.oneof(
  fc.integer({ min: 0x01, max: 0xff }).filter((t) => (t & 0x1f) !== 0x1f),
  fc
    .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 0xff }))
    .map(([hi, lo]) => (hi << 13) | 0x1f00 | lo)
)
const dataObject = fc.record({ tag, value: fc.uint8Array({ maxLength: 300 }) })

describe("BER-TLV", () => {
  it("decodeAt: any bytes at any offset give an object inside the input or a TlvError", () =>
    fc.assert(
      fc.property(bytes, fc.integer({ min: 0, max: 310 }), (input, offset) => {
        const decoded = Tlv.decodeAt(input, offset)
        if (Result.isFailure(decoded)) {
          assert.instanceOf(decoded.failure, Tlv.TlvError)
          assert.isAtLeast(decoded.failure.offset, offset)
          return
        }
        const object = decoded.success
        assert.strictEqual(object.start, offset)
        assert.isAbove(object.end, offset)
        assert.isAtMost(object.end, input.length)
        assert.strictEqual(toHex(object.value), toHex(input.subarray(object.end - object.value.length, object.end)))
      }),
      { numRuns: 300 }
    ))

  it("decodeAllResult: the objects tile the input from byte 0, and only allowed filler follows them", () =>
    fc.assert(
      fc.property(bytes, trailing, (input, mode) => {
        const decoded = Tlv.decodeAllResult(input, mode === undefined ? {} : { trailing: mode })
        if (Result.isFailure(decoded)) return void assert.instanceOf(decoded.failure, Tlv.TlvError)
        let offset = 0
        for (const object of decoded.success) {
          assert.strictEqual(object.start, offset)
          offset = object.end
        }
        const rest = input.subarray(offset)
        if (mode === undefined || mode === "none") assert.strictEqual(rest.length, 0)
        else for (const b of rest) assert.isTrue(b === 0x00 || (mode === "filler" && b === 0xff))
      }),
      { numRuns: 300 }
    ))

  it("what encode writes, decodeAllResult reads back, object for object", () =>
    fc.assert(
      fc.property(fc.array(dataObject, { maxLength: 6 }), (objects) => {
        const encoded = concat(...objects.map((o) => Tlv.encode(o.tag, o.value)))
        const decoded = Tlv.decodeAllResult(encoded)
        assert.isTrue(Result.isSuccess(decoded))
        if (Result.isFailure(decoded)) return
        assert.deepStrictEqual(
          decoded.success.map((o) => [o.tag, toHex(o.value)]),
          objects.map((o) => [o.tag, toHex(o.value)])
        )
      }),
      { numRuns: 200 }
    ))

  it("encodeLength: every length up to 2^32 - 1 decodes back from its header", () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (length) => {
        const header = Uint8Array.of(0x04, ...Tlv.encodeLength(length))
        // A header alone: the value is missing, so decodeAt reports it truncated exactly after the length field.
        const decoded = Tlv.decodeAt(header, 0)
        if (length === 0) return void assert.isTrue(Result.isSuccess(decoded))
        assert.isTrue(Result.isFailure(decoded) && decoded.failure.reason === "TruncatedValue")
        assert.strictEqual(Result.getOrThrow(dataObjectEnd(header)), header.length + length)
      }),
      { numRuns: 200 }
    ))

  it("dataObjectEnd (header only) agrees with decodeAt wherever decodeAt can tell", () =>
    fc.assert(
      fc.property(bytes, (input) => {
        const end = dataObjectEnd(input)
        const decoded = Tlv.decodeAt(input, 0)
        if (Result.isSuccess(decoded)) assert.strictEqual(Result.getOrThrow(end), decoded.success.end)
        if (Result.isFailure(end)) {
          assert.isTrue(Result.isFailure(decoded))
          if (Result.isFailure(decoded)) {
            assert.strictEqual(end.failure.reason, decoded.failure.reason)
            assert.strictEqual(end.failure.offset, decoded.failure.offset)
          }
        }
      }),
      { numRuns: 300 }
    ))

  it("TlvError messages give the offset and the fault, never the bytes", () =>
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), (input) => {
        const decoded = Tlv.decodeAllResult(input)
        if (Result.isSuccess(decoded)) return
        assert.notMatch(decoded.failure.message, /[0-9A-F]{8,}/i)
      }),
      { numRuns: 200 }
    ))
})

describe("response APDUs and status words", () => {
  it("parseResponse: below two bytes nothing, otherwise data and SW that make up the input", () =>
    fc.assert(
      fc.property(bytes, (raw) => {
        const response = Apdu.parseResponse(raw)
        if (raw.length < 2) return void assert.isUndefined(response)
        assert.isDefined(response)
        if (response === undefined) return
        assert.strictEqual(toHex(raw), toHex(response.data) + Apdu.swHex(response.sw))
        assert.strictEqual(Apdu.sw1(response), raw[raw.length - 2])
        assert.strictEqual(Apdu.sw2(response), raw[raw.length - 1])
      }),
      { numRuns: 200 }
    ))

  it("every status word has a reason and a meaning; its error names the step and the SW, nothing else", () => {
    const reasons = new Set<string>(StatusWord.StatusReason.literals)
    for (let sw = 0; sw <= 0xffff; sw++) {
      const { reason, meaning } = StatusWord.describe(sw)
      if (!reasons.has(reason) || meaning.length === 0) assert.fail(`SW ${Apdu.swHex(sw)}: ${reason} "${meaning}"`)
      const left = StatusWord.retriesLeft(sw)
      if ((left !== undefined) !== ((sw & 0xfff0) === 0x63c0)) assert.fail(`SW ${Apdu.swHex(sw)}: tries ${left}`)
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (sw) => {
        const message = StatusWord.CardStatusError.fromSw("test.step", sw).message
        assert.isTrue(message.startsWith("test.step: the card answered "))
        assert.include(message, Apdu.swHex(sw))
      }),
      { numRuns: 200 }
    )
  })

  it("encode: every command the library can build is read back by the card (the simulator's parser)", () =>
    fc.assert(
      fc.property(
        fc.record({
          header: fc.tuple(fc.nat(0xff), fc.nat(0xff), fc.nat(0xff), fc.nat(0xff)),
          data: fc.option(fc.uint8Array({ minLength: 1, maxLength: 700 }), { nil: undefined }),
          le: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined })
        }),
        ({ header: [cla, ins, p1, p2], data, le }) => {
          const command = Apdu.command(cla, ins, p1, p2, data, le)
          const parsed = CommandApdu.parse(Apdu.encode(command))
          assert.strictEqual(parsed._tag, "Command")
          if (parsed._tag !== "Command") return
          assert.deepStrictEqual(
            [parsed.command.cla, parsed.command.ins, parsed.command.p1, parsed.command.p2],
            [cla, ins, p1, p2]
          )
          assert.strictEqual(toHex(parsed.command.data), toHex(data ?? new Uint8Array(0)))
          assert.strictEqual(parsed.command.ne, le)
          assert.strictEqual(parsed.command.extended, Apdu.requiredForm(command) === "extended")
        }
      ),
      { numRuns: 200 }
    ))
})
