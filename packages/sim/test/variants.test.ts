// File layouts (在留カード等仕様書 Ver 1.5 §3.3) and the card variants.
import { describe, expect, it } from "vitest"
import * as Fixtures from "../src/fixtures/data.js"
import * as ResidenceGen1 from "../src/residence/Gen1Card.js"
import { hex, login, openSm, padTo, SPEC, selectDf, send, smReadExtended, swOf, toHex, utf8 } from "./host.js"

const zeros = (n: number) => "00".repeat(n)

describe("default card (card type 1)", () => {
  const card = ResidenceGen1.make()
  const f = card.files

  it("has the capacities of 表3-1", () => {
    expect(f.mf.ef01.length).toBe(6)
    expect(f.mf.ef02.length).toBe(3)
    expect(f.df1.ef01.length).toBe(7004)
    expect(f.df1.ef02.length).toBe(3004)
    expect(f.df2.ef01.length).toBe(342)
    expect(f.df2.ef02?.length).toBe(122)
    expect(f.df2.ef03?.length).toBe(122)
    expect(f.df2.ef04?.length).toBe(3)
    expect(f.df3.ef01.length).toBe(1464)
  })

  it("uses the fictitious default card number AB12345678CD", () => {
    expect(card.cardNumber).toBe("AB12345678CD")
    expect(card.cardType).toBe("1")
  })

  it("MF: C0 04 '0001', C1 01 '1'", () => {
    expect(toHex(f.mf.ef01)).toBe("C00430303031")
    expect(toHex(f.mf.ef02)).toBe("C10131")
  })

  it("DF1: D0 82 1B 58 ‖ front TIFF zero padded; D1 82 0B B8 ‖ face JPEG 2000 zero padded (the fixtures)", () => {
    expect(toHex(f.df1.ef01.subarray(0, 4))).toBe("D0821B58")
    expect(toHex(f.df1.ef01.subarray(4))).toBe(toHex(padTo(Fixtures.residenceGen1FrontTiff, 7000)))
    expect(toHex(f.df1.ef01.subarray(4, 8))).toBe("49492A00") // little-endian TIFF
    expect(toHex(f.df1.ef02.subarray(0, 4))).toBe("D1820BB8")
    expect(toHex(f.df1.ef02.subarray(4))).toBe(toHex(padTo(Fixtures.residenceGen1FaceJp2, 3000)))
  })

  it("DF2/EF01: D2 08 date, D3 06 municipality code, D4 82 01 40 address (UTF-8, zero padded)", () => {
    const e = f.df2.ef01
    expect(toHex(e.subarray(0, 10))).toBe(`D208${toHex(utf8("20240401"))}`)
    expect(toHex(e.subarray(10, 18))).toBe(`D306${toHex(utf8("131016"))}`)
    expect(toHex(e.subarray(18, 22))).toBe("D4820140")
    expect(toHex(e.subarray(22))).toBe(toHex(padTo(utf8(ResidenceGen1.DEFAULT_ADDRESS), 320)))
  })

  it("DF2/EF02–EF04: D5 78, D6 78, D7 01 '0'", () => {
    expect(toHex(f.df2.ef02!.subarray(0, 2))).toBe("D578")
    expect(new TextDecoder().decode(f.df2.ef02!.subarray(2)).replace(/\0+$/, "")).toBe(
      ResidenceGen1.DEFAULT_COMPREHENSIVE_PERMISSION
    )
    expect(toHex(f.df2.ef03!)).toBe(`D678${zeros(120)}`)
    expect(toHex(f.df2.ef04!)).toBe("D70130")
  })

  it("DF3/EF01: DA 82 01 00 ‖ check code, DB 82 04 B0 ‖ certificate DER zero padded", () => {
    const e = f.df3.ef01
    expect(toHex(e.subarray(0, 4))).toBe("DA820100")
    expect(toHex(e.subarray(4, 260))).toBe(toHex(card.checkCode!))
    expect(toHex(e.subarray(260, 264))).toBe("DB8204B0")
    expect(toHex(e.subarray(264))).toBe(toHex(padTo(Fixtures.residenceGen1CardCertDer, 1200)))
  })

  it("files are copies: changing them does not change the card", () => {
    const copy = card.files
    copy.mf.ef02[2] = 0x32
    expect(toHex(card.transmit(hex("00 B0 8A 00 00")))).toBe("C101319000")
  })
})

describe("variants", () => {
  it("card type 2 (特別永住者証明書): C1 01 '2', DF2 holds EF01 only", () => {
    const card = ResidenceGen1.make({ cardType: "2" })
    expect(toHex(card.transmit(hex("00 B0 8A 00 00")))).toBe("C101329000")
    login(card, card.cardNumber)
    expect(swOf(card, selectDf("DF2"))).toBe("9000")
    expect(send(card, "00 B0 81 00 00 00 00").data.length).toBe(342)
    for (const p1 of ["82", "83", "84"]) expect(swOf(card, `00 B0 ${p1} 00 00`)).toBe("6A82")
    expect(card.files.df2.ef02).toBeUndefined()
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    expect(swOf(card, smReadExtended(0x85, 0))).toBe("9000")
  })

  it("permissions rewritten to 「無」: the whole EF is zeros, tag included", () => {
    const card = ResidenceGen1.make({ comprehensivePermission: null, individualPermission: null })
    expect(toHex(card.files.df2.ef02!)).toBe(zeros(122))
    expect(toHex(card.files.df2.ef03!)).toBe(zeros(122))
    login(card, card.cardNumber)
    expect(swOf(card, selectDf("DF2"))).toBe("9000")
    expect(toHex(send(card, "00 B0 82 00 00 00 00").data)).toBe(zeros(122))
  })

  it("text options: address, date, municipality code, permissions, renewal flag", () => {
    const card = ResidenceGen1.make({
      address: "北海道札幌市中央区北１条西９９丁目",
      addressDate: "20120310",
      municipalityCode: "011011",
      comprehensivePermission: "許可",
      individualPermission: "個別許可あり",
      renewalApplication: true
    })
    const e = card.files.df2.ef01
    expect(toHex(e.subarray(0, 10))).toBe("D2083230313230333130") // the spec's example date
    expect(toHex(e.subarray(10, 18))).toBe("D306303131303131")
    expect(new TextDecoder().decode(e.subarray(22)).replace(/\0+$/, "")).toBe("北海道札幌市中央区北１条西９９丁目")
    expect(toHex(card.files.df2.ef02!)).toBe(`D578${toHex(padTo(utf8("許可"), 120))}`)
    expect(toHex(card.files.df2.ef03!)).toBe(`D678${toHex(padTo(utf8("個別許可あり"), 120))}`)
    expect(toHex(card.files.df2.ef04!)).toBe("D70131")
  })

  it("an address of 80 four-byte characters fills the 320 bytes exactly", () => {
    const card = ResidenceGen1.make({ address: "𠮷".repeat(80) })
    expect(toHex(card.files.df2.ef01.subarray(22))).toBe(toHex(utf8("𠮷".repeat(80))))
  })

  it("under 16: no face, DF3/EF01 = DA 00 DB 00 ‖ zeros (footnote *1) by default", () => {
    const card = ResidenceGen1.make({ under16: true })
    expect(toHex(card.files.df1.ef02)).toBe(zeros(3004))
    expect(toHex(card.files.df3.ef01)).toBe(`DA00DB00${zeros(1460)}`)
    expect(card.checkCode).toBeUndefined()
    const ks = login(card, card.cardNumber)
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    expect(toHex(openSm(ks, send(card, smReadExtended(0x86, 0)).data))).toBe(zeros(3004))
    expect(swOf(card, selectDf("DF3"))).toBe("9000")
    expect(toHex(send(card, "00 B0 82 00 04").data)).toBe("DA00DB00")
  })

  it("under 16, other forms: DA 00 ‖ zeros (footnote *2) and a D1 header with an empty value", () => {
    const card = ResidenceGen1.make({ under16: { signatureFile: "DA00", faceFile: "emptyValue" } })
    expect(toHex(card.files.df3.ef01)).toBe(`DA00${zeros(1462)}`)
    expect(toHex(card.files.df1.ef02)).toBe(`D1820BB8${zeros(3000)}`)
  })

  it("custom images are zero padded; the spec version can be set", () => {
    const card = ResidenceGen1.make({
      frontImage: hex("49 49 2A 00 01 02"),
      faceImage: hex("00 00 00 0C 6A 50 20 20"),
      specVersion: "0002"
    })
    expect(toHex(card.files.df1.ef01)).toBe(`D0821B5849492A000102${zeros(6994)}`)
    expect(toHex(card.files.df1.ef02)).toBe(`D1820BB80000000C6A502020${zeros(2992)}`)
    expect(toHex(card.files.mf.ef01)).toBe("C00430303032")
  })

  it("does not quote a rejected card number in the error: the number is the card's access key", () => {
    expect(() => ResidenceGen1.make({ cardNumber: "AB12345678C" })).toThrow(
      /^cardNumber: expected 2 upper-case letters, 8 digits and 2 upper-case letters$/
    )
  })

  it("rejects invalid options with a RangeError naming the option", () => {
    expect(() => ResidenceGen1.make({ cardNumber: "ab12345678cd" })).toThrow(/cardNumber/)
    expect(() => ResidenceGen1.make({ cardNumber: "AB1234567CD" })).toThrow(RangeError)
    expect(() => ResidenceGen1.make({ frontImage: new Uint8Array(7001) })).toThrow(/frontImage/)
    expect(() => ResidenceGen1.make({ faceImage: new Uint8Array(3001) })).toThrow(/faceImage/)
    expect(() => ResidenceGen1.make({ address: "あ".repeat(81) })).toThrow(/address/)
    expect(() => ResidenceGen1.make({ comprehensivePermission: "あ".repeat(41) })).toThrow(/comprehensivePermission/)
    expect(() => ResidenceGen1.make({ addressDate: "2024-04-01" })).toThrow(/addressDate/)
    expect(() => ResidenceGen1.make({ municipalityCode: "13101" })).toThrow(/municipalityCode/)
    expect(() => ResidenceGen1.make({ certificate: new Uint8Array(1201) })).toThrow(/certificate/)
    expect(() => ResidenceGen1.make({ checkCode: new Uint8Array(255) })).toThrow(/checkCode/)
    expect(() => ResidenceGen1.make({ signingKey: hex("30 03 02 01 00") })).toThrow(/RSA private key/)
    expect(() => ResidenceGen1.make({ address: "a\u0000b" })).toThrow(/NUL/)
  })
})

describe("randomness", () => {
  const challenges = (card: ResidenceGen1.Gen1Card, n: number) =>
    Array.from({ length: n }, () => toHex(send(card, "00 84 00 00 08").data))

  it("a seed makes the challenges reproducible; another seed gives others", () => {
    const a = challenges(ResidenceGen1.make({ seed: 42 }), 4)
    const b = challenges(ResidenceGen1.make({ seed: 42 }), 4)
    const c = challenges(ResidenceGen1.make({ seed: "42" }), 4)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(new Set(a).size).toBe(4)
  })

  it("the seeded stream continues across power cycles (each session gets new randoms)", () => {
    const card = ResidenceGen1.make({ seed: 7 })
    const first = challenges(card, 1)
    card.powerOff()
    card.powerOn()
    expect(challenges(card, 1)).not.toEqual(first)
  })

  it("without a seed the challenges are fresh", () => {
    expect(challenges(ResidenceGen1.make(), 1)).not.toEqual(challenges(ResidenceGen1.make(), 1))
  })

  it("scripted randoms come first, then the seed", () => {
    const card = ResidenceGen1.make({ seed: 1, randoms: [hex("0102030405060708")] })
    const reference = challenges(ResidenceGen1.make({ seed: 1 }), 1)
    expect(challenges(card, 2)).toEqual(["0102030405060708", reference[0]])
  })

  it("randoms are checked by make: 8 (RND.ICC) or 16 bytes (K.ICC), a K.ICC only right after an RND.ICC", () => {
    const rnd = new Uint8Array(8)
    const k = new Uint8Array(16)
    expect(() => ResidenceGen1.make({ randoms: [hex("0102")] })).toThrow(
      /^randoms\[0\]: expected 8 bytes \(RND\.ICC, drawn by GET CHALLENGE\) or 16 bytes \(K\.ICC, drawn by a successful MUTUAL AUTHENTICATE\), got 2 bytes$/
    )
    expect(() => ResidenceGen1.make({ randoms: [rnd, k, new Uint8Array(12)] })).toThrow(
      /^randoms\[2\]: .*got 12 bytes$/
    )
    // The spec's pair in the wrong order: the first draw is always a GET CHALLENGE's.
    expect(() => ResidenceGen1.make({ randoms: [SPEC.kIcc, SPEC.rndIcc] })).toThrow(
      /^randoms\[0\]: expected 8 bytes \(RND\.ICC\): the first draw is always a GET CHALLENGE's.*got 16 bytes$/
    )
    expect(() => ResidenceGen1.make({ randoms: [rnd, k, k] })).toThrow(
      /^randoms\[2\]: expected 8 bytes \(RND\.ICC\): a K\.ICC \(16 bytes\) is drawn only right after an RND\.ICC/
    )
    expect(() => ResidenceGen1.make({ randoms: [rnd, null as unknown as Uint8Array] })).toThrow(
      /^randoms\[1\]: expected a Uint8Array$/
    )
    // A repeated GET CHALLENGE or a failed MUTUAL AUTHENTICATE draws RND.ICCs in a row.
    expect(() => ResidenceGen1.make({ randoms: [rnd, rnd, k, rnd] })).not.toThrow()
  })

  it("a draw that meets a scripted entry of the other length answers 6F00, keeps the entry and says why", () => {
    // [RND.ICC, K.ICC], but the terminal asks for a second challenge: that draw meets the K.ICC.
    const card = ResidenceGen1.make({ cardNumber: SPEC.cardNumber, randoms: [SPEC.rndIcc, SPEC.kIcc] })
    expect(toHex(send(card, "00 84 00 00 08").data)).toBe(toHex(SPEC.rndIcc))
    expect(swOf(card, "00 84 00 00 08")).toBe("6F00")
    expect(card.inspect().challengeArmed).toBe(false)
    expect(card.inspect().randomsMismatch).toBe(
      "randoms[1] has 16 bytes, but the card draws 8 bytes for RND.ICC (GET CHALLENGE) here: the script does not follow the commands sent (the entry stays queued)"
    )
    // [RND.ICC, RND.ICC]: the K.ICC draw of a good MUTUAL AUTHENTICATE meets the second RND.ICC. No session key.
    const other = ResidenceGen1.make({ cardNumber: SPEC.cardNumber, randoms: [SPEC.rndIcc, SPEC.rndIcc] })
    expect(toHex(send(other, "00 84 00 00 08").data)).toBe(toHex(SPEC.rndIcc))
    expect(toHex(other.transmit(SPEC.mutualAuthenticate))).toBe("6F00")
    expect(other.inspect().sessionKey).toBeUndefined()
    expect(other.inspect().randomsMismatch).toMatch(/^randoms\[1\] has 8 bytes, but the card draws 16 bytes for K\.ICC/)
    // The entry stayed queued: the next GET CHALLENGE gets it.
    expect(toHex(send(other, "00 84 00 00 08").data)).toBe(toHex(SPEC.rndIcc))
    expect(other.inspect().challengeArmed).toBe(true)
  })
})

describe("ATR", () => {
  it("is a PC/SC Type B ATR with application data 00000000 and a valid TCK", () => {
    const atr = ResidenceGen1.make().atr
    expect(toHex(atr.subarray(0, 8))).toBe("3B88800100000000")
    let x = 0
    for (const b of atr.subarray(1)) x ^= b
    expect(x).toBe(0)
  })
})
