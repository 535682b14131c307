// File layouts of the second-generation card (reference residence-card.md §4; codes.md §2–§7) and its variants.
import { describe, expect, it } from "vitest"
import * as Fixtures from "../../src/fixtures/data.js"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import { login, padTo, parseTlvs, selectDf, send, swOf, toHex, utf8 } from "./host.js"

const ascii = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const zeros = (n: number) => "00".repeat(n)

/** tag → value (hex) of the printed entries, in file order. */
const entriesOf = (card: ResidenceGen2.Gen2Card) =>
  parseTlvs(card.files.df1.ef02).map(({ tag, header, value }) => [tag, header, toHex(value)] as const)

describe("file sizes", () => {
  it("05: 6 / 4 / 14 / 73 / 5508 / 2505 / 22 / 3 / 207 / 704", () => {
    const f = ResidenceGen2.make().files
    expect(f.mf.ef01.length).toBe(6)
    expect(f.mf.ef02.length).toBe(4)
    expect(f.df1.ef01.length).toBe(14)
    expect(f.df1.ef02.length).toBe(73)
    expect(f.df1.ef03.length).toBe(5508)
    expect(f.df1.ef04.length).toBe(2505)
    expect(f.df2.ef01?.length).toBe(22)
    expect(f.df2.ef02?.length).toBe(3)
    expect(f.df2.ef03.length).toBe(207)
    expect(f.df3.ef01.length).toBe(704)
  })

  it("06: printed entries 46 bytes, DF2 only the 207-byte file", () => {
    const f = ResidenceGen2.make({ cardType: "06" }).files
    expect(f.df1.ef01.length).toBe(14)
    expect(f.df1.ef02.length).toBe(46)
    expect(f.df1.ef03.length).toBe(5508)
    expect(f.df1.ef04.length).toBe(2505)
    expect(f.df2.ef01).toBeUndefined()
    expect(f.df2.ef02).toBeUndefined()
    expect(f.df2.ef03.length).toBe(207)
    expect(f.df3.ef01.length).toBe(704)
  })
})

describe("default 05 card (NGUYEN VAN MAU)", () => {
  const card = ResidenceGen2.make()
  const f = card.files

  it("MF: C0 04 '0001'; C1 02 '05'; DF1/EF01: C2 0C card number", () => {
    expect(card.cardType).toBe("05")
    expect(card.cardNumber).toBe("AB12345678CD")
    expect(toHex(f.mf.ef01)).toBe("C00430303031")
    expect(toHex(f.mf.ef02)).toBe("C1023035")
    expect(toHex(f.df1.ef01)).toBe(`C20C${toHex(utf8("AB12345678CD"))}`)
  })

  it("DF1/EF02: C5 C6 C7 C8 C9 CE CA CB CC CD in file order, fixed lengths, zero padded values", () => {
    expect(entriesOf(card)).toEqual([
      ["C5", 2, toHex(utf8("20280401"))],
      ["C6", 2, toHex(utf8("19950415"))],
      ["C7", 2, toHex(utf8("1"))],
      ["C8", 2, toHex(utf8("VNM"))],
      ["C9", 2, `${toHex(utf8("01"))}${zeros(8)}`],
      ["CE", 2, toHex(utf8("0300"))],
      ["CA", 2, toHex(utf8("02"))],
      ["CB", 2, toHex(utf8("20250401"))],
      ["CC", 2, toHex(utf8("2"))],
      ["CD", 2, toHex(utf8("20280401"))]
    ])
    const values = parseTlvs(f.df1.ef02).reduce((n, t) => n + t.value.length, 0)
    expect(values).toBe(53)
  })

  it("DF1/EF03: D0 82 09 C4 ‖ name TIFF (zero padded to 2500) ‖ D1 82 0B B8 ‖ face JPEG 2000 (to 3000)", () => {
    const e = f.df1.ef03
    expect(toHex(e.subarray(0, 4))).toBe("D08209C4")
    expect(toHex(e.subarray(4, 2504))).toBe(toHex(padTo(Fixtures.residenceGen2NameTiff, 2500)))
    expect(toHex(e.subarray(4, 8))).toBe("49492A00") // TIFF
    expect(toHex(e.subarray(2504, 2508))).toBe("D1820BB8")
    expect(toHex(e.subarray(2508))).toBe(toHex(padTo(Fixtures.residenceGen2FaceJp2, 3000)))
    expect(toHex(e.subarray(2508, 2520))).toBe("0000000C6A5020200D0A870A") // JP2 signature box
  })

  it("DF1/EF04: DF D1 82 09 C4 ‖ address TIFF zero padded to 2500 (a two-byte tag)", () => {
    expect(toHex(f.df1.ef04.subarray(0, 5))).toBe("DFD18209C4")
    expect(toHex(f.df1.ef04.subarray(5))).toBe(toHex(padTo(Fixtures.residenceGen2AddressTiff, 2500)))
    expect(parseTlvs(f.df1.ef04).map((t) => t.tag)).toEqual(["DFD1"])
  })

  it("DF2/EF01: D5 07 '0' + 6 zeros, D6 08 zeros (no 包括許可), D7 01 '0'", () => {
    expect(toHex(f.df2.ef01!)).toBe(`D507${toHex(utf8("0"))}${zeros(6)}D608${zeros(8)}D70130`)
  })

  it("DF2/EF02: D8 01 '0'; DF2/EF03: D9 01 '0', DE 82 00 C8 + 200 zeros", () => {
    expect(toHex(f.df2.ef02!)).toBe("D80130")
    expect(toHex(f.df2.ef03)).toBe(`D90130DE8200C8${zeros(200)}`)
  })

  it("DF3/EF01: DC 60 ‖ r ‖ s ‖ DD 82 02 56 ‖ 598-byte certificate ‖ 4 zeros", () => {
    const e = f.df3.ef01
    expect(toHex(e.subarray(0, 2))).toBe("DC60")
    expect(toHex(e.subarray(2, 98))).toBe(toHex(card.signature))
    expect(toHex(e.subarray(98, 102))).toBe("DD820256")
    expect(toHex(e.subarray(102, 700))).toBe(toHex(Fixtures.residenceGen2CardCertDer))
    expect(toHex(e.subarray(700))).toBe("00000000")
    expect(parseTlvs(e).map((t) => [t.tag, t.value.length])).toEqual([
      ["DC", 96],
      ["DD", 598]
    ])
  })
})

describe("06 card (特別永住者証明書)", () => {
  const card = ResidenceGen2.make({ cardType: "06" })

  it("MF/EF02 is C1 02 '06'; printed entries are C5 C6 C7 C8 C9 CE only, C9 and CE empty", () => {
    expect(toHex(card.files.mf.ef02)).toBe("C1023036")
    expect(entriesOf(card)).toEqual([
      ["C5", 2, toHex(utf8("20320415"))],
      ["C6", 2, toHex(utf8("19950415"))],
      ["C7", 2, toHex(utf8("1"))],
      ["C8", 2, toHex(utf8("VNM"))],
      ["C9", 2, zeros(10)],
      ["CE", 2, zeros(4)]
    ])
  })

  it("lacks the 05-only files: DF2 P1 81 and 82 are 6A 82 (plain and SM); P1 83 is served", () => {
    login(card, card.cardNumber)
    expect(swOf(card, selectDf("DF2"))).toBe("9000")
    expect(swOf(card, "00 B0 81 00 00 00 00")).toBe("6A82")
    expect(swOf(card, "00 B0 82 00 00 00 00")).toBe("6A82")
    expect(swOf(card, "08 B0 81 00 00 00 04 96 02 00 00 00 00")).toBe("6A82")
    expect(swOf(card, "08 B0 82 00 00 00 04 96 02 00 00 00 00")).toBe("6A82")
    const other = send(card, "00 B0 83 00 00 00 00")
    expect(other.swHex).toBe("9000")
    expect(toHex(other.data)).toBe(`D90130DE8200C8${zeros(200)}`)
    expect(card.inspect().currentEf).toBe("DF2/EF01")
  })

  it("rejects the options of fields a 06 card does not have", () => {
    for (const option of [
      { permissionType: "01" },
      { permissionDate: "20250101" },
      { workRestriction: "1" },
      { periodOfStayExpiry: "20300101" },
      { comprehensivePermission: "1" },
      { comprehensivePermissionExpiry: "20300101" },
      { individualPermission: true },
      { renewalApplication: false }
    ]) {
      const key = Object.keys(option)[0]!
      expect(() => ResidenceGen2.make({ cardType: "06", ...option })).toThrow(new RegExp(`^${key}: `))
    }
  })

  it("accepts status and period values when a test wants them", () => {
    const c = ResidenceGen2.make({ cardType: "06", statusOfResidence: "SPR", periodOfStay: "0000" })
    expect(entriesOf(c).slice(4)).toEqual([
      ["C9", 2, `${toHex(utf8("SPR"))}${zeros(7)}`],
      ["CE", 2, toHex(utf8("0000"))]
    ])
  })
})

describe("資格外活動許可 (DF2/EF01) variants", () => {
  it("包括許可 1: D5 '1', D6 = the period-of-stay expiry by default", () => {
    const f = ResidenceGen2.make({ comprehensivePermission: "1", periodOfStayExpiry: "20270930" }).files
    expect(toHex(f.df2.ef01!)).toBe(`D507${toHex(utf8("1"))}${zeros(6)}D608${toHex(utf8("20270930"))}D70130`)
  })

  it("包括許可 2 with an explicit expiry, 個別許可 有り", () => {
    const f = ResidenceGen2.make({
      comprehensivePermission: "2",
      comprehensivePermissionExpiry: "20261231",
      individualPermission: true
    }).files
    expect(toHex(f.df2.ef01!)).toBe(`D507${toHex(utf8("2"))}${zeros(6)}D608${toHex(utf8("20261231"))}D70131`)
  })

  it("an unknown code up to 7 bytes is stored as given (a reader must keep it raw)", () => {
    const f = ResidenceGen2.make({ comprehensivePermission: "1234567" }).files
    expect(toHex(f.df2.ef01!.subarray(0, 9))).toBe(`D507${toHex(utf8("1234567"))}`)
    expect(() => ResidenceGen2.make({ comprehensivePermission: "12345678" })).toThrow(/^comprehensivePermission/)
  })
})

describe("other variants and options", () => {
  it("申請中, 長官記録, 予備 text", () => {
    const f = ResidenceGen2.make({ renewalApplication: true, commissionerRecord: true, reserved: "予備テスト" }).files
    expect(toHex(f.df2.ef02!)).toBe("D80131")
    expect(toHex(f.df2.ef03.subarray(0, 7))).toBe("D90131DE8200C8")
    expect(ascii(f.df2.ef03.subarray(7)).replace(/\0+$/, "")).toBe("予備テスト")
    expect(() => ResidenceGen2.make({ reserved: "あ".repeat(67) })).toThrow(/^reserved/) // 201 bytes
  })

  it("period of stay: YYMM, DDD (3 digits and one 00 byte), 0000", () => {
    const ce = (periodOfStay: string) =>
      entriesOf(ResidenceGen2.make({ periodOfStay })).find(([tag]) => tag === "CE")![2]
    expect(ce("0403")).toBe(toHex(utf8("0403")))
    expect(ce("090")).toBe(`${toHex(utf8("090"))}00`)
    expect(ce("0000")).toBe(toHex(utf8("0000")))
    expect(() => ResidenceGen2.make({ periodOfStay: "4年" })).toThrow(/^periodOfStay/)
    expect(() => ResidenceGen2.make({ periodOfStay: "12345" })).toThrow(/^periodOfStay/)
  })

  it("every printed entry can be set; dates are validated; values too long are rejected", () => {
    const card = ResidenceGen2.make({
      expiryDate: "20300101",
      dateOfBirth: "20000229",
      sex: "2",
      nationality: "PHL",
      statusOfResidence: "T410010000",
      periodOfStay: "0100",
      permissionType: "99",
      permissionDate: "20290101",
      workRestriction: "9",
      periodOfStayExpiry: "20300101"
    })
    expect(entriesOf(card).map(([, , value]) => ascii(Uint8Array.from(Buffer.from(value, "hex"))))).toEqual([
      "20300101",
      "20000229",
      "2",
      "PHL",
      "T410010000",
      "0100",
      "99",
      "20290101",
      "9",
      "20300101"
    ])
    expect(() => ResidenceGen2.make({ dateOfBirth: "2000-02-29" })).toThrow(/^dateOfBirth/)
    expect(() => ResidenceGen2.make({ nationality: "VNMX" })).toThrow(/^nationality/)
    expect(() => ResidenceGen2.make({ statusOfResidence: "01234567890" })).toThrow(/^statusOfResidence/)
    expect(() => ResidenceGen2.make({ sex: "12" })).toThrow(/^sex/)
    expect(() => ResidenceGen2.make({ sex: "\u0000" })).toThrow(/^sex/)
  })

  it("does not quote a rejected card number in the error: the number is the card's access key", () => {
    expect(() => ResidenceGen2.make({ cardNumber: "AB12345678C" })).toThrow(
      /^cardNumber: expected 2 upper-case letters, 8 digits and 2 upper-case letters$/
    )
  })

  it("rejects bad card numbers, card types, spec versions, images and certificates", () => {
    expect(() => ResidenceGen2.make({ cardNumber: "ab12345678cd" })).toThrow(/^cardNumber/)
    expect(() => ResidenceGen2.make({ cardType: "1" as never })).toThrow(/^cardType/)
    expect(() => ResidenceGen2.make({ specVersion: "1" })).toThrow(/^specVersion/)
    expect(() => ResidenceGen2.make({ nameImage: new Uint8Array(2501) })).toThrow(/^nameImage/)
    expect(() => ResidenceGen2.make({ faceImage: new Uint8Array(3001) })).toThrow(/^faceImage/)
    expect(() => ResidenceGen2.make({ addressImage: new Uint8Array(2501) })).toThrow(/^addressImage/)
    expect(() => ResidenceGen2.make({ certificate: new Uint8Array(603) })).toThrow(/^certificate/)
    expect(() => ResidenceGen2.make({ signature: new Uint8Array(95) })).toThrow(/^signature/)
    expect(() => ResidenceGen2.make({ under1: true, faceImage: new Uint8Array(10) })).toThrow(/^faceImage/)
  })

  it("a 602-byte certificate fills DF3/EF01 exactly", () => {
    const e = ResidenceGen2.make({ certificate: new Uint8Array(602).fill(0x30) }).files.df3.ef01
    expect(toHex(e.subarray(98, 102))).toBe("DD82025A")
    expect(e[703]).toBe(0x30)
  })

  it("under 1 year old: D1 82 0B B8 + 3000 zeros by default, or a zero D1 object", () => {
    const empty = ResidenceGen2.make({ under1: true }).files.df1.ef03
    expect(toHex(empty.subarray(2504, 2508))).toBe("D1820BB8")
    expect(empty.subarray(2508).every((b) => b === 0)).toBe(true)
    const none = ResidenceGen2.make({ under1: { faceObject: "zeros" } }).files.df1.ef03
    expect(none.subarray(2504).every((b) => b === 0)).toBe(true)
    expect(parseTlvs(none).map((t) => t.tag)).toEqual(["D0"])
    expect(toHex(none.subarray(0, 2504))).toBe(toHex(empty.subarray(0, 2504)))
  })

  it("custom images and spec version", () => {
    const card = ResidenceGen2.make({
      specVersion: "0002",
      nameImage: Uint8Array.of(1, 2, 3),
      faceImage: Uint8Array.of(4, 5),
      addressImage: Uint8Array.of(6)
    })
    const f = card.files
    expect(toHex(f.mf.ef01)).toBe("C00430303032")
    expect(toHex(f.df1.ef03.subarray(0, 7))).toBe("D08209C4010203")
    expect(toHex(f.df1.ef03.subarray(2504, 2510))).toBe("D1820BB80405")
    expect(toHex(f.df1.ef04.subarray(0, 6))).toBe("DFD18209C406")
  })

  it("files are copies: mutating them does not change the card", () => {
    const card = ResidenceGen2.make()
    card.files.df1.ef01[0] = 0xff
    card.signature[0] = card.signature[0]! ^ 0xff
    expect(card.files.df1.ef01[0]).toBe(0xc2)
    expect(toHex(card.files.df3.ef01.subarray(2, 98))).toBe(toHex(card.signature))
  })
})
