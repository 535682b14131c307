// 券面事項確認AP (kenkaku) driven with the raw APDUs of shared/reference/mynumber-card.md §8.6, §8.7; records
// checked against §7.5 and §9 (including the card face's triple digest) with test-side parsing and bigint RSA.
import { inflateSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import * as Fixtures from "../../src/fixtures/data.js"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import * as Png from "../../src/mynumber/Png.js"
import {
  CVC_CA,
  cardIn,
  concat,
  fields,
  hex,
  offsetsOf,
  ok,
  parseCardPublicKey,
  parseCvc,
  pkcs1Payload,
  readEf,
  readSw,
  rsaOpen,
  selectDf,
  sha256,
  signChallenge,
  swOf,
  toHex,
  verifyKey,
  verifyPkcs1Sha256
} from "./host.js"

const ascii = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const kenkaku = cardIn("kenkaku", 3)

describe("kenkaku: §8.6 card face with 照合番号B", () => {
  it("SELECT, 00 12, VERIFY 14 digits, read EF0002 in 256-byte chunks up to 5 + HHLL", () => {
    const card = MyNumberCard.make()
    ok(card, "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02")
    ok(card, "00 A4 02 0C 02 00 12")
    ok(card, "00 20 00 80 0E 36 30 30 34 30 31 32 30 33 35 35 36 37 38") // 60040120355678
    ok(card, "00 A4 02 0C 02 00 02")
    const first = ok(card, "00 B0 00 00 00")
    expect(first.length).toBe(256)
    expect(toHex(first.subarray(0, 3))).toBe("FF2082")
    const total = ((first[3]! << 8) | first[4]!) + 5
    const parts = [first.slice()]
    for (let offset = 256; offset < total; offset += 256) {
      parts.push(ok(card, Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, 0x00)).slice())
    }
    const file = concat(...parts)
    expect(file.length).toBe(total)
    expect(swOf(card, Uint8Array.of(0x00, 0xb0, total >> 8, total & 0xff, 0x00))).toBe("6B00")

    const f = fields(file)
    const order = [0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28, 0xdf29, 0xdf2a]
    expect(f.items.map((t) => t.tag)).toEqual([0xdf21, ...order])
    const table = f.get(0xdf21).value
    expect(table.length).toBe(18)
    expect(offsetsOf(table)).toEqual(order.map((tag) => f.get(tag).start))
    expect(ascii(f.get(0xdf22).value)).toBe("19850401")
    expect(ascii(f.get(0xdf23).value)).toBe("2")
    expect(ascii(f.get(0xdf29).value)).toBe("20350401")
    expect(toHex(f.get(0xdf25).value)).toBe(toHex(Fixtures.myNumberNamePng))
    expect(toHex(f.get(0xdf26).value)).toBe(toHex(Fixtures.myNumberAddressPng))
    expect(toHex(f.get(0xdf27).value)).toBe(toHex(Fixtures.myNumberFaceJp2))
    expect(toHex(f.get(0xdf27).value.subarray(4, 8))).toBe("6A502020") // "jP  "
    expect(toHex(f.get(0xdf2a).value)).toBe(toHex(Fixtures.myNumberSecurityCodePng))
  })

  it("DF28: PKCS#1 v1.5 over 30 71 … 04 60 ‖ H1 ‖ H2 ‖ H3 (the triple digest), under the CVC's key", () => {
    const card = kenkaku()
    const cvc = parseCvc(readEf(card, 0x0004))
    expect(verifyPkcs1Sha256(CVC_CA, cvc.body, cvc.signature)).toBe(true)
    expect(verifyKey(card, 0x0012, card.verificationCodeB)).toBe("9000")
    const f = fields(readEf(card, 0x0002))
    const tlv = (tag: number) => f.get(tag).raw
    const h1 = sha256(concat(tlv(0xdf22), tlv(0xdf23), tlv(0xdf24)))
    const h2 = sha256(concat(tlv(0xdf25), tlv(0xdf26)))
    const h3 = sha256(tlv(0xdf27))
    const expected = concat(hex("30 71 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 60"), h1, h2, h3)
    expect(expected.length).toBe(115)
    const payload = pkcs1Payload(rsaOpen(cvc.key, f.get(0xdf28).value))
    expect(toHex(payload!)).toBe(toHex(expected))
    // A standard SHA-256 verification over anything does not work (reference §9).
    expect(verifyPkcs1Sha256(cvc.key, concat(tlv(0xdf22), tlv(0xdf23), tlv(0xdf24)), f.get(0xdf28).value)).toBe(false)
    // DF29 and DF2A come after DF28 and are not covered.
    expect(f.get(0xdf29).start).toBeGreaterThan(f.get(0xdf28).start)
  })
})

describe("kenkaku: access rules (§3.3, MC's measured scope)", () => {
  it("nothing presented: 0001, 0002, 0005, 0006 → 6982; 0003, 0004 free", () => {
    const card = kenkaku()
    for (const fid of [1, 2, 5, 6]) expect(readSw(card, fid), `EF${fid}`).toBe("6982")
    for (const fid of [3, 4]) expect(readSw(card, fid), `EF${fid}`).toBe("9000")
  })

  it("照合番号A opens 0002, 0005, 0006 but not 0001; B the same without 0005; the birth key only 0001", () => {
    const cases: ReadonlyArray<[number, (card: MyNumberCard.MyNumberCard) => string, Record<number, string>]> = [
      [0x0013, (c) => c.verificationCodeA, { 1: "6982", 2: "9000", 5: "9000", 6: "9000" }],
      [0x0012, (c) => c.verificationCodeB, { 1: "6982", 2: "9000", 5: "6982", 6: "9000" }],
      [0x0011, (c) => c.birthDateKey, { 1: "9000", 2: "6982", 5: "6982", 6: "6982" }]
    ]
    for (const [key, value, files] of cases) {
      const card = kenkaku()
      expect(verifyKey(card, key, value(card))).toBe("9000")
      for (const [fid, expected] of Object.entries(files))
        expect(readSw(card, Number(fid)), `${key}/${fid}`).toBe(expected)
    }
  })

  it("counters of 10; the kenhojo credentials do not carry over (separate DFs, separate keys)", () => {
    const card = kenkaku()
    for (const fid of [0x0011, 0x0012, 0x0013]) expect(verifyKey(card, fid)).toBe("63CA")
    ok(card, selectDf("kenhojo"))
    expect(verifyKey(card, 0x0014, card.verificationCodeA)).toBe("9000")
    ok(card, selectDf("kenkaku"))
    expect(readSw(card, 0x0002)).toBe("6982")
  })

  it("the birth key is era YYMMDD for a national, Western YYMMDD for a foreign resident", () => {
    const national = kenkaku()
    expect(national.birthDateKey).toBe("600401")
    expect(verifyKey(national, 0x0011, "850401")).toBe("63C9")
    expect(verifyKey(national, 0x0011, "600401")).toBe("9000")
    const foreign = kenkaku({ preset: "foreignResident" })
    expect(foreign.birthDateKey).toBe("900715")
    expect(verifyKey(foreign, 0x0011, "020715")).toBe("63C9")
    expect(verifyKey(foreign, 0x0011, "900715")).toBe("9000")
    const f = fields(readEf(foreign, 0x0001))
    expect(ascii(f.get(0xdf11).value)).toBe("19900715")
  })
})

describe("kenkaku: signed records and the card key", () => {
  it("EF0001 and EF0005 verify under the CVC key over the TLVs before the signature; all three carry the card key", () => {
    const card = kenkaku()
    const cvc = parseCvc(readEf(card, 0x0004))
    expect(verifyKey(card, 0x0011, card.birthDateKey)).toBe("9000")
    const age = readEf(card, 0x0001)
    expect(toHex(age.subarray(0, 5))).toBe("FF1082021E")
    const a = fields(age)
    expect(verifyPkcs1Sha256(cvc.key, concat(a.get(0xdf11).raw, a.get(0xdf12).raw), a.get(0xdf13).value)).toBe(true)

    expect(verifyKey(card, 0x0013, card.verificationCodeA)).toBe("9000")
    const image = fields(readEf(card, 0x0005))
    expect(image.outer.tag).toBe(0xff40)
    expect(toHex(image.get(0xdf41).value)).toBe(toHex(Fixtures.myNumberNumberPng))
    expect(
      verifyPkcs1Sha256(cvc.key, concat(image.get(0xdf41).raw, image.get(0xdf42).raw), image.get(0xdf43).value)
    ).toBe(true)
    const face = fields(readEf(card, 0x0002))
    const keys = [a.get(0xdf12), face.get(0xdf24), image.get(0xdf42)].map((t) => toHex(t.value))
    expect(new Set(keys).size).toBe(1)
    expect(a.get(0xdf12).value.length).toBe(265)

    // §8.7: GET CHALLENGE, 80 2A 00 00 <DigestInfo(SHA-256(challenge))> 00, no PIN, verifies under DF24's key.
    const { challenge, signature } = signChallenge(card, "kenkaku")
    const cardKey = parseCardPublicKey(face.get(0xdf24).value)
    expect(verifyPkcs1Sha256(cardKey, challenge, signature)).toBe(true)
    expect(verifyPkcs1Sha256(cvc.key, challenge, signature)).toBe(false)
  })

  it("EF0003 basic info: FF30 { DF31 06 03 0E 01, DF32 key ID, DF33 version, DF34 municipality, DF35 16 + 256 }", () => {
    const card = kenkaku()
    const f = fields(readEf(card, 0x0003))
    expect(f.outer.tag).toBe(0xff30)
    expect(toHex(f.get(0xdf31).value)).toBe("06030E01")
    expect(f.get(0xdf32).value.length).toBe(16)
    expect(f.get(0xdf33).value.length).toBe(1)
    expect(ascii(f.get(0xdf34).value)).toBe("13101")
    expect(f.get(0xdf35).value.length).toBe(272)
  })
})

describe("kenkaku: rendered images when the holder data differs from the fixtures", () => {
  /** Decodes a 1-bit greyscale PNG (test-side, with node:zlib) into rows of 0/1 ink. */
  const decodePng = (png: Uint8Array) => {
    expect(toHex(png.subarray(0, 8))).toBe("89504E470D0A1A0A")
    let p = 8
    let width = 0
    let height = 0
    const idat: Array<Uint8Array> = []
    while (p < png.length) {
      const length = ((png[p]! << 24) | (png[p + 1]! << 16) | (png[p + 2]! << 8) | png[p + 3]!) >>> 0
      const type = ascii(png.subarray(p + 4, p + 8))
      const data = png.subarray(p + 8, p + 8 + length)
      if (type === "IHDR") {
        width = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0
        height = ((data[4]! << 24) | (data[5]! << 16) | (data[6]! << 8) | data[7]!) >>> 0
        expect(toHex(data.subarray(8))).toBe("0100000000") // 1 bit, greyscale, no interlace
      }
      if (type === "IDAT") idat.push(data)
      p += 12 + length
    }
    const raw = inflateSync(concat(...idat))
    const stride = Math.ceil(width / 8)
    const rows: Array<string> = []
    for (let y = 0; y < height; y++) {
      expect(raw[y * (stride + 1)]).toBe(0) // filter None (the fixtures use it too)
      let row = ""
      for (let x = 0; x < width; x++) row += (raw[y * (stride + 1) + 1 + (x >> 3)]! >> (7 - (x & 7))) & 1 ? "0" : "1"
      rows.push(row)
    }
    return { width, height, rows }
  }

  it("the renderer reproduces the fixture My Number and security-code images pixel for pixel", () => {
    const card = kenkaku({ holder: { myNumber: "987654321018", securityCode: "4321" } })
    expect(verifyKey(card, 0x0013, "987654321018")).toBe("9000")
    const rendered = decodePng(fields(readEf(card, 0x0005)).get(0xdf41).value)
    expect(rendered.width).toBe(72)
    expect(rendered.height).toBe(12)
    // Same font as make-fixtures.sh: render the fixture's digits and compare with the fixture.
    const again = kenkaku({ holder: { myNumber: "123456789018" }, images: {} })
    expect(verifyKey(again, 0x0013, "123456789018")).toBe("9000")
    const fixtureRows = decodePng(Fixtures.myNumberNumberPng).rows
    const { encodePng, render } = Png
    const ours = decodePng(encodePng(render("123456789018", { minWidth: 72, height: 12 }))).rows
    expect(ours).toEqual(fixtureRows)
    const code = decodePng(encodePng(render("5678", { minWidth: 24, height: 12 }))).rows
    expect(code).toEqual(decodePng(Fixtures.myNumberSecurityCodePng).rows)
    expect(rendered.rows).not.toEqual(fixtureRows)
  })

  it("the foreign-resident preset's name image is rendered, the address image is the fixture", () => {
    const card = kenkaku({ preset: "foreignResident" })
    expect(verifyKey(card, 0x0012, card.verificationCodeB)).toBe("9000")
    const f = fields(readEf(card, 0x0002))
    const name = decodePng(f.get(0xdf25).value)
    expect(name.width).toBe(320)
    expect(name.height).toBe(48)
    expect(name.rows.some((row) => row.includes("1"))).toBe(true)
    expect(toHex(f.get(0xdf26).value)).toBe(toHex(Fixtures.myNumberAddressPng))
    expect(ascii(f.get(0xdf23).value)).toBe("1")
  })
})
