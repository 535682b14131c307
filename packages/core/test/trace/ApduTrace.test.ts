// The APDU trace keeps headers, lengths and status words; data only where it is public (SELECT); never response data.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger, References } from "effect"
import * as Apdu from "../../src/apdu/Apdu.js"
import { fromHex, toHex } from "../../src/Bytes.js"
import * as Iso7816 from "../../src/iso7816/Iso7816.js"
import * as ApduTrace from "../../src/trace/ApduTrace.js"
import { shortOnly } from "../../src/transport/CardTransport.js"
import * as TestTransport from "../../src/transport/TestTransport.js"

const DF1_AID = "D3 92 F0 00 4F 02 00 00 00 00 00 00 00 00 00 00"
const RND_ICC = "5A 6E 7E 38 51 62 B7 A3"
const ADDRESS = "E6 9D B1 E4 BA AC E9 83 BD" // 東京都, personal data in a response
// VERIFY (SM) of the spec's worked example (別添2 step 13): the cryptogram must never be traced.
const SM_VERIFY_DATA = "86 11 01 1A A8 29 73 DB 95 9A 81 1F 97 11 D7 28 F0 EE F6"

const sessionCard = () =>
  TestTransport.scripted(
    [
      { command: `00 A4 04 0C 10 ${DF1_AID}`, response: "90 00" },
      { command: "00 20 00 80 04 31 32 33 34", response: "90 00" },
      { command: `08 20 00 86 13 ${SM_VERIFY_DATA}`, response: "63 00" },
      { command: "00 84 00 00 08", response: `${RND_ICC} 90 00` },
      { command: "00 B0 81 00 0C", response: "6C 09" },
      { command: "00 B0 81 00 09", response: "E6 9D B1 61 06" },
      { command: "00 C0 00 00 06", response: "E4 BA AC E9 83 BD 90 00" },
      { command: "00 B0 82 00 00", response: "62 82" }
    ],
    shortOnly
  )

const run = (card: ReturnType<typeof sessionCard>) =>
  Effect.gen(function* () {
    yield* Iso7816.selectAid(fromHex(DF1_AID), "mynumber.selectAp")
    yield* Iso7816.command(Apdu.command(0x00, 0x20, 0x00, 0x80, fromHex("31 32 33 34")), { step: "mynumber.verifyPin" })
    yield* Iso7816.exchange(Apdu.command(0x08, 0x20, 0x00, 0x86, fromHex(SM_VERIFY_DATA)), {
      step: "residence.authenticate.verify"
    })
    yield* Iso7816.getChallenge(8, "residence.authenticate.challenge")
    yield* Iso7816.exchange(Apdu.command(0x00, 0xb0, 0x81, 0x00, undefined, 12), { step: "residence.readAddress" })
    yield* Iso7816.exchange(Apdu.command(0x00, 0xb0, 0x82, 0x00, undefined, 256), { step: "residence.readSignature" })
  }).pipe(Effect.provide(TestTransport.layer(card)))

describe("ApduTrace.layerCollect through Iso7816", () => {
  it.effect("records one entry per APDU, GET RESPONSE and the 6Cxx resend included", () =>
    Effect.gen(function* () {
      const entries: Array<ApduTrace.TraceEntry> = []
      const card = sessionCard()
      yield* run(card).pipe(Effect.provide(ApduTrace.layerCollect(entries)))
      assert.strictEqual(card.remaining(), 0)
      assert.deepStrictEqual(entries, [
        {
          step: "mynumber.selectAp",
          header: "00A4040C",
          data: toHex(fromHex(DF1_AID)),
          response: "<0 bytes>",
          sw: "9000",
          form: "short"
        },
        {
          step: "mynumber.verifyPin",
          header: "00200080",
          data: "<4 bytes>",
          response: "<0 bytes>",
          sw: "9000",
          form: "short"
        },
        {
          step: "residence.authenticate.verify",
          header: "08200086",
          data: "<19 bytes>",
          response: "<0 bytes>",
          sw: "6300",
          form: "short"
        },
        {
          step: "residence.authenticate.challenge",
          header: "00840000",
          le: 8,
          response: "<8 bytes>",
          sw: "9000",
          form: "short"
        },
        { step: "residence.readAddress", header: "00B08100", le: 12, response: "<0 bytes>", sw: "6C09", form: "short" },
        { step: "residence.readAddress", header: "00B08100", le: 9, response: "<3 bytes>", sw: "6106", form: "short" },
        {
          step: "residence.readAddress.getResponse",
          header: "00C00000",
          le: 6,
          response: "<6 bytes>",
          sw: "9000",
          form: "short"
        },
        {
          step: "residence.readSignature",
          header: "00B08200",
          le: 256,
          response: "<0 bytes>",
          sw: "6282",
          form: "short"
        }
      ])
    })
  )

  it.effect("no command data but SELECT's, and no response data, appears anywhere in the trace", () =>
    Effect.gen(function* () {
      const entries: Array<ApduTrace.TraceEntry> = []
      const again = TestTransport.scripted(
        [
          { command: "00 20 00 80 04 31 32 33 34", response: "90 00" },
          { command: "00 84 00 00 08", response: `${RND_ICC} 90 00` },
          { command: "00 B0 81 00 09", response: `${ADDRESS} 90 00` }
        ],
        shortOnly
      )
      yield* Effect.gen(function* () {
        yield* Iso7816.command(Apdu.command(0x00, 0x20, 0x00, 0x80, fromHex("31 32 33 34")), { step: "verify" })
        yield* Iso7816.getChallenge(8, "challenge")
        yield* Iso7816.command(Apdu.command(0x00, 0xb0, 0x81, 0x00, undefined, 9), { step: "read" })
      }).pipe(Effect.provide(TestTransport.layer(again)), Effect.provide(ApduTrace.layerCollect(entries)))
      const text = `${JSON.stringify(entries)}\n${entries.map(ApduTrace.format).join("\n")}`
      for (const secret of ["31323334", "1234", toHex(fromHex(RND_ICC)), toHex(fromHex(ADDRESS)), "5A6E"])
        assert.notInclude(text, secret)
      assert.include(text, "<4 bytes>")
      assert.include(text, "<8 bytes>")
      assert.include(text, "<9 bytes>")
    })
  )

  it.effect("disclosure 'public' shows the data of another command in hex", () =>
    Effect.gen(function* () {
      const entries: Array<ApduTrace.TraceEntry> = []
      const t = TestTransport.scripted([{ command: "00 CA 01 00 02 AB CD", response: "90 00" }])
      yield* Iso7816.exchange(Apdu.command(0x00, 0xca, 0x01, 0x00, fromHex("AB CD")), {
        step: "getData",
        disclosure: "public"
      }).pipe(Effect.provide(TestTransport.layer(t)), Effect.provide(ApduTrace.layerCollect(entries)))
      assert.strictEqual(entries[0]!.data, "ABCD")
    })
  )

  it.effect("without a trace layer, entries are discarded and exchanges work", () =>
    Effect.gen(function* () {
      const t = TestTransport.scripted([{ command: "00 84 00 00 08", response: `${RND_ICC} 90 00` }])
      const rnd = yield* Iso7816.getChallenge(8, "challenge").pipe(Effect.provide(TestTransport.layer(t)))
      assert.strictEqual(rnd.length, 8)
      const trace = yield* ApduTrace.ApduTrace
      yield* trace.record({ step: "s", header: "00000000", response: "<0 bytes>", sw: "9000", form: "short" })
    })
  )
})

describe("ApduTrace helpers", () => {
  it("describeData: hex when public, length otherwise, nothing for no data", () => {
    assert.strictEqual(ApduTrace.describeData(fromHex("3F 00"), "public"), "3F00")
    assert.strictEqual(ApduTrace.describeData(fromHex("31 32 33 34"), "redacted"), "<4 bytes>")
    assert.isUndefined(ApduTrace.describeData(undefined, "public"))
    assert.isUndefined(ApduTrace.describeData(new Uint8Array(0), "redacted"))
  })

  it("format: one line per entry", () => {
    assert.strictEqual(
      ApduTrace.format({
        step: "residence.detect",
        header: "00B08A00",
        le: 3,
        response: "<3 bytes>",
        sw: "9000",
        form: "short"
      }),
      "residence.detect 00B08A00 le=3 -> <3 bytes> 9000"
    )
    assert.strictEqual(
      ApduTrace.format({
        step: "residence.readFrontImage",
        header: "08B08500",
        data: "<4 bytes>",
        le: 65536,
        response: "<7013 bytes>",
        sw: "9000",
        form: "extended"
      }),
      "residence.readFrontImage 08B08500 data=<4 bytes> le=65536 -> <7013 bytes> 9000 (ext)"
    )
    assert.strictEqual(
      ApduTrace.format({
        step: "s",
        header: "00A4040C",
        data: "D392",
        response: "<0 bytes>",
        sw: "6A82",
        form: "short"
      }),
      "s 00A4040C data=D392 -> <0 bytes> 6A82"
    )
  })

  it.effect("layerLog writes each entry as a debug log", () =>
    Effect.gen(function* () {
      const logged: Array<{ level: string; message: unknown }> = []
      const collector = Logger.make(
        (options) => void logged.push({ level: options.logLevel, message: options.message })
      )
      const t = TestTransport.scripted([{ command: "00 84 00 00 08", response: `${RND_ICC} 90 00` }])
      yield* Iso7816.getChallenge(8, "challenge").pipe(
        Effect.provide(TestTransport.layer(t)),
        Effect.provide(ApduTrace.layerLog),
        Effect.provide(Logger.layer([collector])),
        Effect.provideService(References.MinimumLogLevel, "Debug")
      )
      assert.strictEqual(logged.length, 1)
      assert.strictEqual(logged[0]!.level, "Debug")
      assert.include(JSON.stringify(logged[0]!.message), "00840000")
      assert.notInclude(JSON.stringify(logged[0]!.message), "5A6E")
    })
  )
})
