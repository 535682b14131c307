// ISO/IEC 7816-4 transmission rules and commands, replayed against a scripted card that expects exact command bytes.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Apdu from "../../src/apdu/Apdu.js"
import { CardStatusError } from "../../src/apdu/StatusWord.js"
import { concat, fromHex, toHex } from "../../src/Bytes.js"
import * as Iso7816 from "../../src/iso7816/Iso7816.js"
import * as ApduTrace from "../../src/trace/ApduTrace.js"
import {
  type Capabilities,
  type CardTransport,
  type CardTransportShape,
  extended,
  shortOnly,
  TransportError
} from "../../src/transport/CardTransport.js"
import * as TestTransport from "../../src/transport/TestTransport.js"

/** `n` recognisable bytes: byte i is (i * 7 + seed) mod 256. */
const pattern = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff)
const ok = (data: Uint8Array) => `${toHex(data)}9000`
const hex = (s: string) => toHex(fromHex(s))

type Script = ReadonlyArray<TestTransport.ScriptedExchange>
const card = (script: Script, capabilities: Capabilities = extended) => TestTransport.scripted(script, capabilities)
const on =
  (transport: CardTransportShape) =>
  <A, E>(effect: Effect.Effect<A, E, CardTransport>): Effect.Effect<A, E> =>
    Effect.provide(effect, TestTransport.layer(transport))

const DF1_AID = "D3 92 F0 00 4F 02 00 00 00 00 00 00 00 00 00 00"
const iosLimit: Capabilities = { extendedLength: true, maxResponseLength: 1693, maxCommandLength: 65544 }

describe("Iso7816.exchange", () => {
  it.effect("returns data and SW of a plain answer, whatever the SW", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 84 00 00 08", response: "5A 6E 7E 38 51 62 B7 A3 90 00" },
        { command: "00 B0 8A 00 03", response: "6A 82" }
      ])
      const a = yield* on(t)(Iso7816.exchange(Apdu.command(0, 0x84, 0, 0, undefined, 8), { step: "challenge" }))
      assert.strictEqual(toHex(a.data), hex("5A 6E 7E 38 51 62 B7 A3"))
      assert.strictEqual(a.sw, 0x9000)
      const b = yield* on(t)(Iso7816.exchange(Apdu.command(0, 0xb0, 0x8a, 0, undefined, 3), { step: "detect" }))
      assert.strictEqual(b.data.length, 0)
      assert.strictEqual(b.sw, 0x6a82)
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("61xx: GET RESPONSE until 9000, concatenating the data (61 00 asks for 256)", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 B0 85 00 00", response: "01 02 61 03" },
        { command: "00 C0 00 00 03", response: "03 04 05 61 00" },
        { command: "00 C0 00 00 00", response: `${toHex(pattern(256))} 61 01` },
        { command: "00 C0 00 00 01", response: "FF 90 00" }
      ])
      const r = yield* on(t)(Iso7816.exchange(Apdu.command(0, 0xb0, 0x85, 0, undefined, 256), { step: "read" }))
      assert.strictEqual(r.sw, 0x9000)
      assert.strictEqual(toHex(r.data), toHex(concat(fromHex("01 02 03 04 05"), pattern(256), fromHex("FF"))))
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("61xx: GET RESPONSE keeps the logical channel but drops secure messaging from CLA", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "0B 84 00 00 08", response: "61 08" },
        { command: "03 C0 00 00 08", response: `${toHex(pattern(8))} 90 00` }
      ])
      const r = yield* on(t)(Iso7816.exchange(Apdu.command(0x0b, 0x84, 0, 0, undefined, 8), { step: "s" }))
      assert.strictEqual(toHex(r.data), toHex(pattern(8)))
    })
  )

  it.effect("61xx: GET RESPONSE is a short APDU even after an extended command", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 B0 82 00 00 00 00", response: `${toHex(pattern(256))} 61 2C` },
        { command: "00 C0 00 00 2C", response: ok(pattern(44, 256 * 7)) }
      ])
      const data = yield* on(t)(Iso7816.readFile({ sfi: 2, size: 300, step: "residence.readSignature" }))
      assert.strictEqual(toHex(data), toHex(pattern(300)))
    })
  )

  it.effect("61xx: the final SW of the chain is the SW of the exchange", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 B0 85 00 00", response: "01 61 02" },
        { command: "00 C0 00 00 02", response: "6A 86" }
      ])
      const r = yield* on(t)(Iso7816.exchange(Apdu.command(0, 0xb0, 0x85, 0, undefined, 256), { step: "read" }))
      assert.strictEqual(r.sw, 0x6a86)
    })
  )

  it.effect("61xx: an endless chain stops after 64 GET RESPONSEs with a MalformedResponseError", () =>
    Effect.gen(function* () {
      const script: Array<TestTransport.ScriptedExchange> = [{ command: "00 84 00 00 08", response: "61 01" }]
      for (let i = 0; i < 64; i++) script.push({ command: "00 C0 00 00 01", response: "AA 61 01" })
      const t = card(script)
      const e = yield* Effect.flip(on(t)(Iso7816.exchange(Apdu.command(0, 0x84, 0, 0, undefined, 8), { step: "loop" })))
      assert.strictEqual(e._tag === "MalformedResponseError" && e.step, "loop")
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("6Cxx: resends once with the Le the card gave", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 B0 8A 00 08", response: "6C 03" },
        { command: "00 B0 8A 00 03", response: "C1 01 31 90 00" }
      ])
      const r = yield* on(t)(Iso7816.exchange(Apdu.command(0, 0xb0, 0x8a, 0, undefined, 8), { step: "detect" }))
      assert.strictEqual(toHex(r.data), "C10131")
      assert.strictEqual(r.sw, 0x9000)
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("6C00 means Le 256; a case 1 command gains an Le", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "80 CA 9F 7F", response: "6C 00" },
        { command: "80 CA 9F 7F 00", response: ok(pattern(256)) }
      ])
      const r = yield* on(t)(Iso7816.exchange(Apdu.command(0x80, 0xca, 0x9f, 0x7f), { step: "getData" }))
      assert.strictEqual(r.data.length, 256)
    })
  )

  it.effect("6Cxx then 61xx: the resent command's chain is followed", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 B0 00 00 10", response: "6C 04" },
        { command: "00 B0 00 00 04", response: "01 02 61 02" },
        { command: "00 C0 00 00 02", response: "03 04 90 00" }
      ])
      const r = yield* on(t)(Iso7816.exchange(Apdu.command(0, 0xb0, 0, 0, undefined, 16), { step: "s" }))
      assert.strictEqual(toHex(r.data), "01020304")
    })
  )

  it.effect("a second 6Cxx is returned as it is (no resend loop)", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 B0 00 00 10", response: "6C 04" },
        { command: "00 B0 00 00 04", response: "6C 02" }
      ])
      const r = yield* on(t)(Iso7816.exchange(Apdu.command(0, 0xb0, 0, 0, undefined, 16), { step: "s" }))
      assert.strictEqual(r.sw, 0x6c02)
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("an answer shorter than a status word is a MalformedResponseError naming the step", () =>
    Effect.gen(function* () {
      for (const response of ["", "90"]) {
        const t = card([{ command: "00 84 00 00 08", response }])
        const e = yield* Effect.flip(on(t)(Iso7816.getChallenge(8, "residence.challenge")))
        assert.strictEqual(e._tag, "MalformedResponseError")
        if (e._tag === "MalformedResponseError") {
          assert.strictEqual(e.step, "residence.challenge")
          assert.include(e.message, "residence.challenge")
        }
      }
    })
  )

  it.effect("a forced form is used: extended for a small Le", () =>
    Effect.gen(function* () {
      const t = card([{ command: "00 B0 8B 00 00 00 06", response: "C0 04 30 30 30 31 90 00" }])
      const r = yield* on(t)(
        Iso7816.exchange(Apdu.command(0, 0xb0, 0x8b, 0, undefined, 6), { step: "s", form: "extended" })
      )
      assert.strictEqual(toHex(r.data), hex("C0 04 30 30 30 31"))
    })
  )

  it.effect("a transport failure passes through as the same TransportError", () =>
    Effect.gen(function* () {
      const removed = new TransportError({ reason: "CardRemoved" })
      const t: CardTransportShape = { capabilities: extended, transmit: () => Effect.fail(removed) }
      const e = yield* Effect.flip(on(t)(Iso7816.exchange(Apdu.command(0, 0x84, 0, 0, undefined, 8), { step: "s" })))
      assert.strictEqual(e, removed)
    })
  )
})

describe("Iso7816.command and the interindustry commands", () => {
  it.effect("command: 9000 gives the data; any other SW is a CardStatusError with the step", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 B0 8A 00 03", response: "C1 01 31 90 00" },
        { command: "00 B0 85 00 00", response: "69 82" }
      ])
      const data = yield* on(t)(Iso7816.command(Apdu.command(0, 0xb0, 0x8a, 0, undefined, 3), { step: "detect" }))
      assert.strictEqual(toHex(data), "C10131")
      const e = yield* Effect.flip(
        on(t)(Iso7816.command(Apdu.command(0, 0xb0, 0x85, 0, undefined, 256), { step: "residence.readFrontImage" }))
      )
      assert.instanceOf(e, CardStatusError)
      if (e._tag === "CardStatusError") {
        assert.strictEqual(e.step, "residence.readFrontImage")
        assert.strictEqual(e.sw, 0x6982)
        assert.strictEqual(e.reason, "SecurityStatusNotSatisfied")
      }
    })
  )

  it.effect("expectOk treats a warning such as 6282 as a failure", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(Iso7816.expectOk("s")({ data: Uint8Array.of(1), sw: 0x6282 }))
      assert.strictEqual(e.sw, 0x6282)
      const data = yield* Iso7816.expectOk("s")({ data: Uint8Array.of(1), sw: 0x9000 })
      assert.strictEqual(toHex(data), "01")
    })
  )

  it.effect("selectAid is 00 A4 04 0C 10 <AID> with no Le (spec 別添2 step 14)", () =>
    Effect.gen(function* () {
      const t = card([{ command: `00 A4 04 0C 10 ${DF1_AID}`, response: "90 00" }])
      const data = yield* on(t)(Iso7816.selectAid(fromHex(DF1_AID), "residence.selectDf1"))
      assert.strictEqual(data.length, 0)
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("selectAid of an absent application is FileNotFound", () =>
    Effect.gen(function* () {
      const t = card([{ command: `00 A4 04 0C 10 ${DF1_AID}`, response: "6A 82" }])
      const e = yield* Effect.flip(on(t)(Iso7816.selectAid(fromHex(DF1_AID), "residence.selectDf1")))
      assert.strictEqual(e._tag === "CardStatusError" && e.reason, "FileNotFound")
    })
  )

  it.effect("selectEf is 00 A4 02 0C 02 <FID>; selectMf is 00 A4 00 00 02 3F 00", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 A4 02 0C 02 01 1E", response: "90 00" },
        { command: "00 A4 00 00 02 3F 00", response: "90 00" }
      ])
      yield* on(t)(Iso7816.selectEf(0x011e, "selectEfCom"))
      yield* on(t)(Iso7816.selectMf("selectMf"))
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("getChallenge is 00 84 00 00 08 and returns RND.ICC (spec 別添2 step 1)", () =>
    Effect.gen(function* () {
      const t = card([{ command: "00 84 00 00 08", response: "5A 6E 7E 38 51 62 B7 A3 90 00" }])
      const rnd = yield* on(t)(Iso7816.getChallenge(8, "residence.challenge"))
      assert.strictEqual(toHex(rnd), hex("5A 6E 7E 38 51 62 B7 A3"))
    })
  )

  it.effect("getChallenge of the wrong length is a MalformedResponseError", () =>
    Effect.gen(function* () {
      const t = card([{ command: "00 84 00 00 08", response: "5A 6E 7E 38 90 00" }])
      const e = yield* Effect.flip(on(t)(Iso7816.getChallenge(8, "residence.challenge")))
      assert.strictEqual(e._tag, "MalformedResponseError")
      if (e._tag === "MalformedResponseError") {
        assert.strictEqual(e.step, "residence.challenge")
        assert.strictEqual(e.detail, "challenge of 4 bytes, 8 expected")
      }
    })
  )
})

describe("Iso7816.readBinaryP1P2 and planChunks", () => {
  it("P1-P2 by SFI and by offset (spec §4.2.5(3))", () => {
    assert.deepStrictEqual(Iso7816.readBinaryP1P2({ sfi: 5 }, 0), [0x85, 0x00])
    assert.deepStrictEqual(Iso7816.readBinaryP1P2({ sfi: 0x0b }, 0), [0x8b, 0x00])
    assert.deepStrictEqual(Iso7816.readBinaryP1P2({ sfi: 30 }, 255), [0x9e, 0xff])
    assert.deepStrictEqual(Iso7816.readBinaryP1P2(undefined, 0), [0x00, 0x00])
    assert.deepStrictEqual(Iso7816.readBinaryP1P2(undefined, 256), [0x01, 0x00])
    assert.deepStrictEqual(Iso7816.readBinaryP1P2(undefined, 1693), [0x06, 0x9d])
    assert.deepStrictEqual(Iso7816.readBinaryP1P2(undefined, 0x7fff), [0x7f, 0xff])
  })

  it("throws a RangeError on what P1-P2 cannot carry", () => {
    assert.throws(() => Iso7816.readBinaryP1P2({ sfi: 5 }, 256), RangeError)
    assert.throws(() => Iso7816.readBinaryP1P2(undefined, 0x8000), RangeError)
    assert.throws(() => Iso7816.readBinaryP1P2(undefined, -1), RangeError)
    for (const sfi of [0, 31, 33, -1, 1.5]) assert.throws(() => Iso7816.readBinaryP1P2({ sfi }, 0), RangeError)
  })

  it("planChunks covers the file exactly, the last chunk with the remainder", () => {
    assert.deepStrictEqual(Iso7816.planChunks(0, 256), [])
    assert.deepStrictEqual(Iso7816.planChunks(6, 256), [{ offset: 0, length: 6 }])
    assert.deepStrictEqual(Iso7816.planChunks(256, 256), [{ offset: 0, length: 256 }])
    assert.deepStrictEqual(Iso7816.planChunks(257, 256), [
      { offset: 0, length: 256 },
      { offset: 256, length: 1 }
    ])
    const plan = Iso7816.planChunks(7004, 1693)
    assert.deepStrictEqual(
      plan.map((c) => c.length),
      [1693, 1693, 1693, 1693, 232]
    )
  })

  it("maxResponseData follows the capabilities", () => {
    assert.strictEqual(Iso7816.maxResponseData(card([], extended)), 65536)
    assert.strictEqual(Iso7816.maxResponseData(card([], shortOnly)), 256)
    assert.strictEqual(Iso7816.maxResponseData(card([], iosLimit)), 1693)
    assert.strictEqual(
      Iso7816.maxResponseData(card([], { extendedLength: false, maxResponseLength: 65536, maxCommandLength: 261 })),
      256
    )
  })
})

describe("Iso7816.readFile", () => {
  const signature = pattern(1464, 3) // gen 1 DF3/EF01, 1464 bytes

  it.effect("extended transport: ONE APDU 00 B0 82 00 00 00 00 (spec 別添2 step 20)", () =>
    Effect.gen(function* () {
      const t = card([{ command: "00 B0 82 00 00 00 00", response: ok(signature) }])
      const data = yield* on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "residence.readSignature" }))
      assert.strictEqual(toHex(data), toHex(signature))
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("extended transport, 7004-byte front image: 00 B0 85 00 00 00 00", () =>
    Effect.gen(function* () {
      const image = pattern(7004, 1)
      const t = card([{ command: "00 B0 85 00 00 00 00", response: ok(image) }])
      const data = yield* on(t)(Iso7816.readFile({ sfi: 5, size: 7004, step: "s" }))
      assert.strictEqual(data.length, 7004)
      assert.strictEqual(toHex(data), toHex(image))
    })
  )

  it.effect("a file of at most 256 bytes takes one short APDU with its exact Le", () =>
    Effect.gen(function* () {
      const t = card([
        { command: "00 B0 8B 00 06", response: "C0 04 30 30 30 31 90 00" },
        { command: "00 B0 81 00 00", response: ok(pattern(256)) }
      ])
      const ef01 = yield* on(t)(Iso7816.readFile({ sfi: 0x0b, size: 6, step: "s" }))
      assert.strictEqual(toHex(ef01), hex("C0 04 30 30 30 31"))
      const full = yield* on(t)(Iso7816.readFile({ sfi: 1, size: 256, step: "s" }))
      assert.strictEqual(full.length, 256)
    })
  )

  it.effect("the CLA option is used", () =>
    Effect.gen(function* () {
      const t = card([{ command: "01 B0 82 00 00 00 00", response: ok(signature) }])
      const data = yield* on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "s", cla: 0x01 }))
      assert.strictEqual(data.length, 1464)
    })
  )

  it.effect("shortOnly: ceil(size/256) APDUs, the first by SFI, then by offset, the last with the remainder", () =>
    Effect.gen(function* () {
      const t = card(
        [
          { command: "00 B0 82 00 00", response: ok(signature.subarray(0, 256)) },
          { command: "00 B0 01 00 00", response: ok(signature.subarray(256, 512)) },
          { command: "00 B0 02 00 00", response: ok(signature.subarray(512, 768)) },
          { command: "00 B0 03 00 00", response: ok(signature.subarray(768, 1024)) },
          { command: "00 B0 04 00 00", response: ok(signature.subarray(1024, 1280)) },
          { command: "00 B0 05 00 B8", response: ok(signature.subarray(1280)) }
        ],
        shortOnly
      )
      const data = yield* on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "s" }))
      assert.strictEqual(toHex(data), toHex(signature))
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("shortOnly: a size that is a multiple of 256 ends with Le 00", () =>
    Effect.gen(function* () {
      const file = pattern(512)
      const t = card(
        [
          { command: "00 B0 84 00 00", response: ok(file.subarray(0, 256)) },
          { command: "00 B0 01 00 00", response: ok(file.subarray(256)) }
        ],
        shortOnly
      )
      assert.strictEqual(toHex(yield* on(t)(Iso7816.readFile({ sfi: 4, size: 512, step: "s" }))), toHex(file))
    })
  )

  it.effect("maxResponseLength 1693 (iOS): chunks of 1693, extended Le, the remainder short", () =>
    Effect.gen(function* () {
      const image = pattern(7004, 5)
      const t = card(
        [
          { command: "00 B0 85 00 00 06 9D", response: ok(image.subarray(0, 1693)) },
          { command: "00 B0 06 9D 00 06 9D", response: ok(image.subarray(1693, 3386)) },
          { command: "00 B0 0D 3A 00 06 9D", response: ok(image.subarray(3386, 5079)) },
          { command: "00 B0 13 D7 00 06 9D", response: ok(image.subarray(5079, 6772)) },
          { command: "00 B0 1A 74 E8", response: ok(image.subarray(6772)) }
        ],
        iosLimit
      )
      const data = yield* on(t)(Iso7816.readFile({ sfi: 5, size: 7004, step: "s" }))
      assert.strictEqual(toHex(data), toHex(image))
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("maxResponseLength 1693, a file that fits: one whole-file APDU", () =>
    Effect.gen(function* () {
      const t = card([{ command: "00 B0 82 00 00 00 00", response: ok(signature) }], iosLimit)
      assert.strictEqual((yield* on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "s" }))).length, 1464)
    })
  )

  it.effect("claimed extended, answers 6700: falls back to short chunks and stays there on this transport", () =>
    Effect.gen(function* () {
      const file = pattern(600, 9)
      const t = card([
        { command: "00 B0 82 00 00 00 00", response: "67 00" },
        { command: "00 B0 82 00 00", response: ok(file.subarray(0, 256)) },
        { command: "00 B0 01 00 00", response: ok(file.subarray(256, 512)) },
        { command: "00 B0 02 00 58", response: ok(file.subarray(512)) },
        // the next readFile on the same transport goes straight to short chunks
        { command: "00 B0 85 00 00", response: ok(file.subarray(0, 256)) },
        { command: "00 B0 01 00 00", response: ok(file.subarray(256, 512)) },
        { command: "00 B0 02 00 58", response: ok(file.subarray(512)) }
      ])
      assert.isTrue(Iso7816.useExtended(t))
      assert.strictEqual(toHex(yield* on(t)(Iso7816.readFile({ sfi: 2, size: 600, step: "s" }))), toHex(file))
      assert.isFalse(Iso7816.useExtended(t))
      assert.strictEqual(Iso7816.maxResponseData(t), 256)
      assert.strictEqual(toHex(yield* on(t)(Iso7816.readFile({ sfi: 5, size: 600, step: "s" }))), toHex(file))
      assert.strictEqual(t.remaining(), 0)
      // another transport is not affected
      assert.isTrue(Iso7816.useExtended(card([])))
    })
  )

  it.effect(
    "claimed extended with 1693-byte responses, answers 6700 to the first chunk: falls back to short chunks",
    () =>
      Effect.gen(function* () {
        const file = pattern(2000, 2)
        const script: Array<TestTransport.ScriptedExchange> = [{ command: "00 B0 85 00 00 06 9D", response: "67 00" }]
        for (const { offset, length } of Iso7816.planChunks(2000, 256)) {
          const [p1, p2] = Iso7816.readBinaryP1P2(offset === 0 ? { sfi: 5 } : undefined, offset)
          script.push({
            command: toHex(Uint8Array.of(0, 0xb0, p1, p2, length & 0xff)),
            response: ok(file.subarray(offset, offset + length))
          })
        }
        const t = card(script, iosLimit)
        assert.strictEqual(toHex(yield* on(t)(Iso7816.readFile({ sfi: 5, size: 2000, step: "s" }))), toHex(file))
        assert.strictEqual(t.remaining(), 0)
        assert.isFalse(Iso7816.useExtended(t))
      })
  )

  it.effect("6700 to a short READ BINARY is a CardStatusError (no fallback loop)", () =>
    Effect.gen(function* () {
      const t = card([{ command: "00 B0 82 00 00", response: "67 00" }], shortOnly)
      const e = yield* Effect.flip(on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "residence.readSignature" })))
      assert.strictEqual(e._tag, "CardStatusError")
      if (e._tag === "CardStatusError") assert.strictEqual(e.reason, "WrongLength")
    })
  )

  it.effect("a whole-file answer shorter than the file is a MalformedResponseError naming the step", () =>
    Effect.gen(function* () {
      const t = card([{ command: "00 B0 82 00 00 00 00", response: ok(signature.subarray(0, 1000)) }])
      const e = yield* Effect.flip(on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "residence.readSignature" })))
      assert.strictEqual(e._tag, "MalformedResponseError")
      if (e._tag === "MalformedResponseError") {
        assert.strictEqual(e.step, "residence.readSignature")
        assert.strictEqual(e.detail, "1000 bytes, 1464 expected")
      }
    })
  )

  it.effect("a whole-file answer longer than the file is a MalformedResponseError too", () =>
    Effect.gen(function* () {
      const t = card([{ command: "00 B0 82 00 00 00 00", response: ok(pattern(1465)) }])
      const e = yield* Effect.flip(on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "s" })))
      assert.strictEqual(e._tag, "MalformedResponseError")
    })
  )

  it.effect("a short chunk is a MalformedResponseError naming the step and the offset, never partial data", () =>
    Effect.gen(function* () {
      const t = card(
        [
          { command: "00 B0 82 00 00", response: ok(signature.subarray(0, 256)) },
          { command: "00 B0 01 00 00", response: ok(signature.subarray(256, 356)) }
        ],
        shortOnly
      )
      const e = yield* Effect.flip(on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "residence.readSignature" })))
      assert.strictEqual(e._tag, "MalformedResponseError")
      if (e._tag === "MalformedResponseError") {
        assert.strictEqual(e.step, "residence.readSignature")
        assert.strictEqual(e.detail, "100 bytes at offset 256, 256 expected")
      }
      assert.strictEqual(t.remaining(), 0)
    })
  )

  it.effect("6Cxx on a chunk: the resent read gives fewer bytes, so the read fails", () =>
    Effect.gen(function* () {
      const t = card(
        [
          { command: "00 B0 82 00 00", response: "6C 10" },
          { command: "00 B0 82 00 10", response: ok(pattern(16)) }
        ],
        shortOnly
      )
      const e = yield* Effect.flip(on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "s" })))
      assert.strictEqual(e._tag, "MalformedResponseError")
    })
  )

  it.effect("a non-9000 status is a CardStatusError with the step, whole-file or chunked", () =>
    Effect.gen(function* () {
      const whole = card([{ command: "00 B0 85 00 00 00 00", response: "69 82" }])
      const e1 = yield* Effect.flip(
        on(whole)(Iso7816.readFile({ sfi: 5, size: 7004, step: "residence.readFrontImage" }))
      )
      assert.strictEqual(e1._tag, "CardStatusError")
      if (e1._tag === "CardStatusError") {
        assert.strictEqual(e1.step, "residence.readFrontImage")
        assert.strictEqual(e1.sw, 0x6982)
      }
      const chunked = card(
        [
          { command: "00 B0 82 00 00", response: ok(signature.subarray(0, 256)) },
          { command: "00 B0 01 00 00", response: "6B 00" }
        ],
        shortOnly
      )
      const e2 = yield* Effect.flip(
        on(chunked)(Iso7816.readFile({ sfi: 2, size: 1464, step: "residence.readSignature" }))
      )
      assert.strictEqual(e2._tag, "CardStatusError")
      if (e2._tag === "CardStatusError") {
        assert.strictEqual(e2.step, "residence.readSignature")
        assert.strictEqual(e2.reason, "OffsetOutOfRange")
      }
    })
  )

  it.effect("a transport failure passes through as a TransportError", () =>
    Effect.gen(function* () {
      let calls = 0
      const t = TestTransport.fromFunction(() => {
        if (++calls === 2) throw new Error("card lost")
        return fromHex(ok(signature.subarray(0, 256)))
      }, shortOnly)
      const e = yield* Effect.flip(on(t)(Iso7816.readFile({ sfi: 2, size: 1464, step: "s" })))
      assert.strictEqual(e._tag, "TransportError")
      if (e._tag === "TransportError") assert.strictEqual(e.reason, "Io")
      assert.strictEqual(calls, 2)
    })
  )

  it.effect("an invalid SFI is a defect before anything is sent, not a read of another file", () =>
    Effect.gen(function* () {
      // SFI 33 must not become SFI 1 (33 & 0x1F)
      for (const capabilities of [shortOnly, extended]) {
        const t = card([{ command: "00 B0 81 00 06", response: "C2 04 31 32 33 34 90 00" }], capabilities)
        const exit = yield* Effect.exit(on(t)(Iso7816.readFile({ sfi: 33, size: 6, step: "s" })))
        assert.isTrue(Exit.hasDies(exit))
        assert.strictEqual(t.remaining(), 1)
      }
    })
  )

  it.effect("the trace has one entry per APDU, the extended read marked as such", () =>
    Effect.gen(function* () {
      const entries: Array<ApduTrace.TraceEntry> = []
      const t = card([
        { command: "00 B0 82 00 00 00 00", response: "67 00" },
        { command: "00 B0 82 00 00", response: ok(signature.subarray(0, 256)) },
        { command: "00 B0 01 00 2C", response: ok(signature.subarray(256, 300)) }
      ])
      yield* on(t)(Iso7816.readFile({ sfi: 2, size: 300, step: "residence.readSignature" })).pipe(
        Effect.provide(ApduTrace.layerCollect(entries))
      )
      assert.deepStrictEqual(entries.map(ApduTrace.format), [
        "residence.readSignature 00B08200 le=65536 -> <0 bytes> 6700 (ext)",
        "residence.readSignature 00B08200 le=256 -> <256 bytes> 9000",
        "residence.readSignature 00B00100 le=44 -> <44 bytes> 9000"
      ])
    })
  )
})
