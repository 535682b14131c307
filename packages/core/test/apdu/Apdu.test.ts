// Command encoding and response parsing against hand-derived ISO/IEC 7816-4 §5.1 byte strings and the commands printed
// in the residence card spec (在留カード等仕様書 Ver 1.5, 別添2) and ICAO Doc 9303 Part 11.
import { assert, describe, it } from "@effect/vitest"
import * as Apdu from "../../src/apdu/Apdu.js"
import { fromHex, toHex } from "../../src/Bytes.js"

const hex = (s: string) => toHex(fromHex(s))
const enc = (cmd: Apdu.Command, form?: Apdu.Form) => toHex(Apdu.encode(cmd, form))
const bytes = (n: number, fill = 0xa5) => new Uint8Array(n).fill(fill)

const DF1_AID = "D3 92 F0 00 4F 02 00 00 00 00 00 00 00 00 00 00"

describe("Apdu.encode, short form", () => {
  it("case 1: header only", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0x44, 0x00, 0x00)), hex("00 44 00 00"))
  })

  it("case 2: GET CHALLENGE for 8 bytes is 00 84 00 00 08 (spec 別添2 step 1)", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0x84, 0x00, 0x00, undefined, 8)), hex("00 84 00 00 08"))
  })

  it("case 2: Le 1 and Le 255 are one byte; Le 256 is 00", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0xb0, 0x00, 0x00, undefined, 1)), hex("00 B0 00 00 01"))
    assert.strictEqual(enc(Apdu.command(0x00, 0xb0, 0x00, 0x00, undefined, 255)), hex("00 B0 00 00 FF"))
    assert.strictEqual(enc(Apdu.command(0x00, 0xb0, 0x85, 0x00, undefined, 256)), hex("00 B0 85 00 00"))
  })

  it("case 3: SELECT DF1 by AID is 00 A4 04 0C 10 <AID> (spec 別添2 step 14)", () => {
    const cmd = Apdu.command(0x00, 0xa4, 0x04, 0x0c, fromHex(DF1_AID))
    assert.strictEqual(enc(cmd), hex(`00 A4 04 0C 10 ${DF1_AID}`))
  })

  it("case 3: SELECT EF.COM is 00 A4 02 0C 02 01 1E (ICAO 9303-11) and VERIFY is 00 20 00 80 04 31 32 33 34", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0xa4, 0x02, 0x0c, fromHex("011E"))), hex("00 A4 02 0C 02 01 1E"))
    assert.strictEqual(
      enc(Apdu.command(0x00, 0x20, 0x00, 0x80, fromHex("31323334"))),
      hex("00 20 00 80 04 31 32 33 34")
    )
  })

  it("case 3: Lc 1 and Lc 255 are one byte", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0xd6, 0x00, 0x00, Uint8Array.of(0x42))), hex("00 D6 00 00 01 42"))
    const out = Apdu.encode(Apdu.command(0x00, 0xd6, 0x00, 0x00, bytes(255)))
    assert.strictEqual(out.length, 4 + 1 + 255)
    assert.strictEqual(out[4], 0xff)
    assert.strictEqual(Apdu.requiredForm(Apdu.command(0x00, 0xd6, 0x00, 0x00, bytes(255))), "short")
  })

  it("case 4: MUTUAL AUTHENTICATE is 00 82 00 00 28 <40 bytes> 00 (spec 別添2 step 6)", () => {
    const data = fromHex(
      "93 77 45 C2 08 83 A1 BA D1 E0 41 93 72 2A 15 92 37 8F 81 A8 F1 DC 58 91 57 AE B0 F7 54 4F A1 BA 1A D7 FB 6A 33 89 E0 17"
    )
    assert.strictEqual(
      enc(Apdu.command(0x00, 0x82, 0x00, 0x00, data, 256)),
      hex(
        "00 82 00 00 28 93 77 45 C2 08 83 A1 BA D1 E0 41 93 72 2A 15 92 37 8F 81 A8 F1 DC 58 91 57 AE B0 F7 54 4F A1 BA 1A D7 FB 6A 33 89 E0 17 00"
      )
    )
  })

  it("case 4: Lc then Le, one byte each", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0x88, 0x00, 0x00, fromHex("0102"), 8)), hex("00 88 00 00 02 01 02 08"))
  })

  it("an empty data field counts as no data", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0x44, 0x00, 0x00, new Uint8Array(0))), hex("00 44 00 00"))
    assert.strictEqual(enc(Apdu.command(0x00, 0xb0, 0x00, 0x00, new Uint8Array(0), 4)), hex("00 B0 00 00 04"))
  })
})

describe("Apdu.encode, extended form", () => {
  it("case 2: READ BINARY SFI 5 with Le 65536 is 00 B0 85 00 00 00 00 (spec §4.2.5(3))", () => {
    const cmd = Apdu.command(0x00, 0xb0, 0x85, 0x00, undefined, 65536)
    assert.strictEqual(Apdu.requiredForm(cmd), "extended")
    assert.strictEqual(enc(cmd), hex("00 B0 85 00 00 00 00"))
  })

  it("case 2: extended Le without Lc is 3 bytes 00 XX XX", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0xb0, 0x00, 0x00, undefined, 257)), hex("00 B0 00 00 00 01 01"))
    assert.strictEqual(enc(Apdu.command(0x00, 0xb0, 0x82, 0x00, undefined, 1693)), hex("00 B0 82 00 00 06 9D"))
    assert.strictEqual(enc(Apdu.command(0x00, 0xb0, 0x00, 0x00, undefined, 65535)), hex("00 B0 00 00 00 FF FF"))
    assert.strictEqual(enc(Apdu.command(0x00, 0x84, 0x00, 0x00, undefined, 8), "extended"), hex("00 84 00 00 00 00 08"))
    assert.strictEqual(
      enc(Apdu.command(0x00, 0xb0, 0x00, 0x00, undefined, 256), "extended"),
      hex("00 B0 00 00 00 01 00")
    )
  })

  it("case 1 forced to extended is still the bare header", () => {
    assert.strictEqual(enc(Apdu.command(0x00, 0x44, 0x00, 0x00), "extended"), hex("00 44 00 00"))
  })

  it("case 3: Lc 256 needs the extended form 00 01 00", () => {
    const cmd = Apdu.command(0x00, 0xd6, 0x00, 0x00, bytes(256))
    assert.strictEqual(Apdu.requiredForm(cmd), "extended")
    const out = Apdu.encode(cmd)
    assert.strictEqual(out.length, 4 + 3 + 256)
    assert.strictEqual(toHex(out.subarray(0, 7)), hex("00 D6 00 00 00 01 00"))
    assert.strictEqual(out[7], 0xa5)
    assert.strictEqual(out[out.length - 1], 0xa5)
  })

  it("case 3: Lc 65535 is 00 FF FF", () => {
    const out = Apdu.encode(Apdu.command(0x00, 0xd6, 0x00, 0x00, bytes(65535)))
    assert.strictEqual(out.length, 4 + 3 + 65535)
    assert.strictEqual(toHex(out.subarray(0, 7)), hex("00 D6 00 00 00 FF FF"))
  })

  it("case 3 forced to extended with a small Lc", () => {
    assert.strictEqual(
      enc(Apdu.command(0x00, 0xa4, 0x02, 0x0c, fromHex("011E")), "extended"),
      hex("00 A4 02 0C 00 00 02 01 1E")
    )
  })

  it("case 4: SM READ BINARY is 08 B0 85 00 00 00 04 96 02 00 00 00 00 (spec 別添2 step 15)", () => {
    const cmd = Apdu.command(0x08, 0xb0, 0x85, 0x00, fromHex("96 02 00 00"), 65536)
    assert.strictEqual(Apdu.requiredForm(cmd), "extended")
    assert.strictEqual(enc(cmd), hex("08 B0 85 00 00 00 04 96 02 00 00 00 00"))
  })

  it("case 4: 00 Lc Lc data Le Le, Le 65536 as 00 00", () => {
    const out = Apdu.encode(Apdu.command(0x00, 0x2a, 0x9e, 0x9a, bytes(300, 0x11), 2))
    assert.strictEqual(out.length, 4 + 3 + 300 + 2)
    assert.strictEqual(toHex(out.subarray(0, 7)), hex("00 2A 9E 9A 00 01 2C"))
    assert.strictEqual(toHex(out.subarray(out.length - 3)), hex("11 00 02"))
    assert.strictEqual(
      enc(Apdu.command(0x00, 0x2a, 0x00, 0x00, fromHex("AB"), 65536)),
      hex("00 2A 00 00 00 00 01 AB 00 00")
    )
  })

  it("case 4: a short Lc with an extended Le switches the whole command to extended", () => {
    assert.strictEqual(
      enc(Apdu.command(0x0c, 0xb0, 0x00, 0x00, fromHex("97 02 01 00"), 257)),
      hex("0C B0 00 00 00 00 04 97 02 01 00 01 01")
    )
  })
})

describe("Apdu.requiredForm", () => {
  it("is short up to Lc 255 and Le 256, extended beyond", () => {
    assert.strictEqual(Apdu.requiredForm(Apdu.command(0, 0xb0, 0, 0)), "short")
    assert.strictEqual(Apdu.requiredForm(Apdu.command(0, 0xb0, 0, 0, undefined, 256)), "short")
    assert.strictEqual(Apdu.requiredForm(Apdu.command(0, 0xb0, 0, 0, undefined, 257)), "extended")
    assert.strictEqual(Apdu.requiredForm(Apdu.command(0, 0xd6, 0, 0, bytes(255), 256)), "short")
    assert.strictEqual(Apdu.requiredForm(Apdu.command(0, 0xd6, 0, 0, bytes(256))), "extended")
  })
})

describe("Apdu.encode rejects impossible commands with a RangeError", () => {
  const cases: ReadonlyArray<readonly [string, () => unknown]> = [
    ["CLA 256", () => Apdu.encode(Apdu.command(0x100, 0xb0, 0, 0))],
    ["INS -1", () => Apdu.encode(Apdu.command(0, -1, 0, 0))],
    ["P1 1.5", () => Apdu.encode(Apdu.command(0, 0xb0, 1.5, 0))],
    ["P2 NaN", () => Apdu.encode(Apdu.command(0, 0xb0, 0, Number.NaN))],
    ["Le 0", () => Apdu.encode(Apdu.command(0, 0xb0, 0, 0, undefined, 0))],
    ["Le -1", () => Apdu.encode(Apdu.command(0, 0xb0, 0, 0, undefined, -1))],
    ["Le 2.5", () => Apdu.encode(Apdu.command(0, 0xb0, 0, 0, undefined, 2.5))],
    ["Le 65537", () => Apdu.encode(Apdu.command(0, 0xb0, 0, 0, undefined, 65537))],
    ["Lc 65536", () => Apdu.encode(Apdu.command(0, 0xd6, 0, 0, bytes(65536)))],
    ["Le 257 in the short form", () => Apdu.encode(Apdu.command(0, 0xb0, 0, 0, undefined, 257), "short")],
    ["Lc 256 in the short form", () => Apdu.encode(Apdu.command(0, 0xd6, 0, 0, bytes(256)), "short")]
  ]
  for (const [name, f] of cases) it(name, () => assert.throws(f, RangeError))
})

describe("Apdu.parseResponse", () => {
  it("0 and 1 bytes are not a response", () => {
    assert.isUndefined(Apdu.parseResponse(new Uint8Array(0)))
    assert.isUndefined(Apdu.parseResponse(Uint8Array.of(0x90)))
  })

  it("2 bytes are a bare status word", () => {
    const r = Apdu.parseResponse(fromHex("90 00"))!
    assert.strictEqual(r.data.length, 0)
    assert.strictEqual(r.sw, 0x9000)
    assert.isTrue(Apdu.isOk(r))
    const e = Apdu.parseResponse(fromHex("6A 82"))!
    assert.strictEqual(e.sw, 0x6a82)
    assert.strictEqual(Apdu.sw1(e), 0x6a)
    assert.strictEqual(Apdu.sw2(e), 0x82)
    assert.isFalse(Apdu.isOk(e))
  })

  it("more bytes are data followed by SW1 SW2 (spec 別添2 step 1)", () => {
    const r = Apdu.parseResponse(fromHex("5A 6E 7E 38 51 62 B7 A3 90 00"))!
    assert.strictEqual(toHex(r.data), hex("5A 6E 7E 38 51 62 B7 A3"))
    assert.strictEqual(r.sw, 0x9000)
    const w = Apdu.parseResponse(fromHex("01 61 10"))!
    assert.strictEqual(toHex(w.data), "01")
    assert.strictEqual(Apdu.sw1(w), 0x61)
    assert.strictEqual(Apdu.sw2(w), 0x10)
  })

  it("swHex pads to four upper-case digits", () => {
    assert.strictEqual(Apdu.swHex(0x9000), "9000")
    assert.strictEqual(Apdu.swHex(0x6a82), "6A82")
    assert.strictEqual(Apdu.swHex(0x0001), "0001")
  })
})

describe("Apdu.MalformedResponseError", () => {
  it("names the step and the detail", () => {
    const e = new Apdu.MalformedResponseError({ step: "residence.detect", detail: "1 bytes, no status word" })
    assert.strictEqual(e._tag, "MalformedResponseError")
    assert.match(e.message, /^residence\.detect: the card's answer is malformed \(1 bytes, no status word\)/)
  })
})
