// Access rules and status words of the second-generation card (reference residence-card.md §4 access column,
// §7–§9, §11, §17): the same as generation 1, with AES.
import { concat } from "@jpcard/core/Bytes"
import { aesCbcEncrypt, aesCmac, pad, tdesCbcEncrypt } from "@jpcard/core/crypto"
import { describe, expect, it } from "vitest"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import {
  authenticate,
  baseKey,
  cmac8,
  hex,
  login,
  openSm,
  SELECT_MF,
  SPEC_K_IFD,
  SPEC_RND_IFD,
  selectDf,
  send,
  smReadExtended,
  smReadShort,
  swOf,
  toHex,
  utf8,
  verifyApdu,
  withByte
} from "./host.js"

const NUMBER = ResidenceGen2.DEFAULT_CARD_NUMBER
const plainRead = (p1: number, p2 = 0, le = "00 00 00") => concat(Uint8Array.of(0x00, 0xb0, p1, p2), hex(le))

/** Every EF of a 05 card: DF, P1, file. */
const EFS_05 = [
  ["DF1", 0x81, "ef01"],
  ["DF1", 0x83, "ef02"],
  ["DF1", 0x84, "ef03"],
  ["DF1", 0x86, "ef04"],
  ["DF2", 0x81, "ef01"],
  ["DF2", 0x82, "ef02"],
  ["DF2", 0x83, "ef03"],
  ["DF3", 0x82, "ef01"]
] as const

describe("MF files are free", () => {
  it("MF/EF01 and MF/EF02 read in plain without authentication (spec form and short Le)", () => {
    const card = ResidenceGen2.make({ seed: 1 })
    expect(toHex(send(card, "00 B0 8B 00 00 00 00").data)).toBe("C00430303031")
    expect(toHex(send(card, "00 B0 8A 00 00 00 00").data)).toBe("C1023035")
    expect(toHex(send(card, "00 B0 8A 00 00").data)).toBe("C1023035")
  })

  it("a fixed Le = 03 truncates MF/EF02 to C1 02 30 (the gen-1 reader pitfall of reference §1 rule 1)", () => {
    const card = ResidenceGen2.make({ seed: 1 })
    const response = send(card, "00 B0 8A 00 03")
    expect(response.swHex).toBe("9000")
    expect(toHex(response.data)).toBe("C10230")
  })

  it("after a session key exists, MF files can also be read under SM", () => {
    const card = ResidenceGen2.make({ seed: 1 })
    const ks = authenticate(card, NUMBER)
    const response = send(card, smReadExtended(0x8a, 0))
    expect(response.swHex).toBe("9000")
    expect(toHex(openSm(ks, response.data))).toBe("C1023035")
  })

  it("the first generation's MF P1 values 81/82 (AKI's constants) are 6A 82", () => {
    const card = ResidenceGen2.make({ seed: 1 })
    expect(swOf(card, "00 B0 81 00 00")).toBe("6A82")
    expect(swOf(card, "00 B0 82 00 00")).toBe("6A82")
  })
})

describe("before VERIFY every DF file is 69 82", () => {
  it.each(EFS_05)("%s P1 %s: plain and SM, without and with a session key", (df, p1) => {
    const card = ResidenceGen2.make({ seed: 2 })
    expect(swOf(card, selectDf(df))).toBe("9000")
    expect(swOf(card, plainRead(p1))).toBe("6982")
    expect(swOf(card, smReadExtended(p1, 0))).toBe("6982") // SM without a session key
    authenticate(card, NUMBER)
    expect(swOf(card, plainRead(p1))).toBe("6982")
    expect(swOf(card, smReadExtended(p1, 0))).toBe("6982") // session key, no VERIFY
  })
})

describe("after VERIFY", () => {
  it.each(EFS_05)("%s P1 %s: DF1 under SM only, DF2 and DF3 in plain or SM", (df, p1, name) => {
    const card = ResidenceGen2.make({ seed: 3 })
    const ks = login(card, NUMBER)
    expect(swOf(card, selectDf(df))).toBe("9000")
    const files = card.files as unknown as Record<string, Record<string, Uint8Array>>
    const expected = toHex(files[df.toLowerCase()]![name]!)
    const plain = send(card, plainRead(p1))
    if (df === "DF1") {
      expect(plain.swHex).toBe("6982")
    } else {
      expect(plain.swHex).toBe("9000")
      expect(toHex(plain.data)).toBe(expected)
    }
    const sm = send(card, smReadExtended(p1, 0))
    expect(sm.swHex).toBe("9000")
    expect(toHex(openSm(ks, sm.data))).toBe(expected)
  })

  it("authentication survives SELECT and MF ↔ DF changes", () => {
    const card = ResidenceGen2.make({ seed: 4 })
    login(card, NUMBER)
    expect(swOf(card, selectDf("DF3"))).toBe("9000")
    expect(swOf(card, SELECT_MF)).toBe("9000")
    expect(swOf(card, selectDf("DF2"))).toBe("9000")
    expect(swOf(card, plainRead(0x83))).toBe("9000")
  })

  it("a wrong VERIFY revokes access; a correct one restores it; retries are unlimited", () => {
    const card = ResidenceGen2.make({ seed: 5 })
    const ks = login(card, NUMBER)
    expect(swOf(card, selectDf("DF2"))).toBe("9000")
    expect(swOf(card, plainRead(0x81))).toBe("9000")
    for (let i = 0; i < 20; i++) expect(swOf(card, verifyApdu(ks, "ZZ00000000ZZ"))).toBe("6300")
    expect(card.inspect().verified).toBe(false)
    expect(swOf(card, plainRead(0x81))).toBe("6982")
    expect(swOf(card, verifyApdu(ks, NUMBER))).toBe("9000")
    expect(swOf(card, plainRead(0x81))).toBe("9000")
  })

  it("a new MUTUAL AUTHENTICATE ends the session: VERIFY must be sent again", () => {
    const card = ResidenceGen2.make({ seed: 6 })
    login(card, NUMBER)
    const ks = authenticate(card, NUMBER)
    expect(card.inspect().verified).toBe(false)
    expect(swOf(card, selectDf("DF3"))).toBe("9000")
    expect(swOf(card, plainRead(0x82))).toBe("6982")
    expect(swOf(card, verifyApdu(ks, NUMBER))).toBe("9000")
    expect(swOf(card, plainRead(0x82))).toBe("9000")
  })

  it("power off clears everything; a read after power on is 69 82", () => {
    const card = ResidenceGen2.make({ seed: 7 })
    login(card, NUMBER)
    card.powerOff()
    expect(() => card.transmit(hex("00 84 00 00 08"))).toThrow(/powered off/)
    card.powerOn()
    expect(card.inspect()).toEqual({
      powered: true,
      currentDf: "MF",
      currentEf: undefined,
      challengeArmed: false,
      sessionKey: undefined,
      verified: false
    })
    expect(swOf(card, selectDf("DF3"))).toBe("9000")
    expect(swOf(card, plainRead(0x82))).toBe("6982")
  })
})

describe("authentication status words", () => {
  it("MUTUAL AUTHENTICATE without a challenge, or not directly after it: 69 85", () => {
    const card = ResidenceGen2.make({ seed: 8 })
    const key = baseKey(NUMBER)
    const eIfd = aesCbcEncrypt(key, concat(SPEC_RND_IFD, new Uint8Array(8), SPEC_K_IFD))
    const command = concat(hex("00 82 00 00 28"), eIfd, cmac8(key, eIfd), hex("00"))
    expect(swOf(card, command)).toBe("6985")
    send(card, "00 84 00 00 08")
    send(card, "00 B0 8A 00 00") // anything in between disarms the challenge
    expect(swOf(card, command)).toBe("6985")
  })

  it("wrong card number (wrong Kenc/Kmac): 63 00 at MUTUAL AUTHENTICATE", () => {
    const card = ResidenceGen2.make({ seed: 9 })
    const key = baseKey("ZZ00000000ZZ")
    const rndIcc = send(card, "00 84 00 00 08").data
    const eIfd = aesCbcEncrypt(key, concat(SPEC_RND_IFD, rndIcc, SPEC_K_IFD))
    expect(swOf(card, concat(hex("00 82 00 00 28"), eIfd, cmac8(key, eIfd), hex("00")))).toBe("6300")
  })

  it("RND.ICC not echoed (valid MAC): 63 00", () => {
    const card = ResidenceGen2.make({ seed: 10 })
    const key = baseKey(NUMBER)
    send(card, "00 84 00 00 08")
    const eIfd = aesCbcEncrypt(key, concat(SPEC_RND_IFD, new Uint8Array(8), SPEC_K_IFD))
    expect(swOf(card, concat(hex("00 82 00 00 28"), eIfd, cmac8(key, eIfd), hex("00")))).toBe("6300")
  })

  it("the full 16-byte CMAC instead of 8 bytes is a length error: 67 00", () => {
    const card = ResidenceGen2.make({ seed: 11 })
    const key = baseKey(NUMBER)
    const rndIcc = send(card, "00 84 00 00 08").data
    const eIfd = aesCbcEncrypt(key, concat(SPEC_RND_IFD, rndIcc, SPEC_K_IFD))
    expect(swOf(card, concat(hex("00 82 00 00 30"), eIfd, aesCmac(key, eIfd), hex("00")))).toBe("6700")
  })

  it("VERIFY: in plain or before MUTUAL AUTHENTICATE 69 82; wrong data object 69 88; wrong P2 6A 86", () => {
    const card = ResidenceGen2.make({ seed: 12 })
    expect(swOf(card, verifyApdu(new Uint8Array(16), NUMBER))).toBe("6982")
    const ks = authenticate(card, NUMBER)
    const good = verifyApdu(ks, NUMBER)
    expect(swOf(card, withByte(good, 0, 0x00))).toBe("6982") // plain CLA
    expect(swOf(card, withByte(good, 5, 0x87))).toBe("6988") // wrong tag
    expect(swOf(card, withByte(good, 3, 0x80))).toBe("6A86") // wrong P2
    // Format errors leave the state unchanged; the good VERIFY still works.
    expect(swOf(card, good)).toBe("9000")
  })

  it("VERIFY with the gen-1 cipher (TDES) or bad padding is a mismatch: 63 00", () => {
    const card = ResidenceGen2.make({ seed: 13 })
    const ks = authenticate(card, NUMBER)
    const badPadding = concat(
      hex("08 20 00 86 13 86 11 01"),
      aesCbcEncrypt(ks, concat(utf8(NUMBER), hex("80 00 00 01")))
    )
    expect(swOf(card, badPadding)).toBe("6300")
    const tdes = concat(hex("08 20 00 86 13 86 11 01"), tdesCbcEncrypt(ks, pad(utf8(NUMBER), 8)))
    expect(swOf(card, tdes)).toBe("6300")
    expect(swOf(card, concat(hex("08 20 00 86 13 86 11 01"), aesCbcEncrypt(ks, pad(utf8(NUMBER), 16))))).toBe("9000")
  })
})

describe("READ BINARY status words", () => {
  it("SFI not in the current DF: 6A 82 (e.g. the gen-1 DF1 P1 85; DF3 P1 81)", () => {
    const card = ResidenceGen2.make({ seed: 14 })
    login(card, NUMBER)
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    expect(swOf(card, smReadExtended(0x85, 0))).toBe("6A82")
    expect(swOf(card, smReadExtended(0x82, 0))).toBe("6A82")
    expect(swOf(card, selectDf("DF3"))).toBe("9000")
    expect(swOf(card, plainRead(0x81))).toBe("6A82")
  })

  it("offset form without a current EF: 69 86; past the end: 6B 00; P1 with bits 7–6 set: 6A 86", () => {
    const card = ResidenceGen2.make({ seed: 15 })
    const ks = login(card, NUMBER)
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    expect(swOf(card, smReadExtended(0x00, 0x10))).toBe("6986")
    expect(swOf(card, smReadExtended(0x81, 0x0e))).toBe("6B00") // EF01 is 14 bytes
    expect(swOf(card, smReadExtended(0x81, 0))).toBe("9000")
    expect(toHex(openSm(ks, send(card, smReadExtended(0x00, 0x0d)).data))).toBe(toHex(utf8(NUMBER).subarray(11)))
    expect(swOf(card, smReadExtended(0x00, 0x0e))).toBe("6B00")
    expect(swOf(card, smReadExtended(0xa1, 0))).toBe("6A86")
    // SELECT clears the current EF.
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    expect(swOf(card, smReadExtended(0x00, 0))).toBe("6986")
  })

  it("SM READ BINARY with a missing or wrong Le object: 69 88", () => {
    const card = ResidenceGen2.make({ seed: 16 })
    login(card, NUMBER)
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    expect(swOf(card, "08 B0 81 00 00 00 04 97 02 00 00 00 00")).toBe("6988")
    expect(swOf(card, "08 B0 81 00 00 00 03 96 01 00 00 00")).toBe("6988")
    expect(swOf(card, "08 B0 81 00 00")).toBe("6988")
  })

  it("an SM Le too small for one byte of plaintext (under 19 for AES): 67 00", () => {
    const card = ResidenceGen2.make({ seed: 17 })
    login(card, NUMBER)
    expect(swOf(card, selectDf("DF1"))).toBe("9000")
    expect(ResidenceGen2.maxSmPlaintext(18)).toBe(-1)
    expect(ResidenceGen2.maxSmPlaintext(19)).toBe(15)
    expect(swOf(card, smReadShort(0x81, 0, 0, 18))).toBe("6700")
    expect(swOf(card, smReadShort(0x81, 0, 0, 19))).toBe("9000")
  })

  it("SM READ BINARY with bytes beyond Lc/Le: 67 00 (no 特記事項 for READ BINARY); SELECT still uses Lc", () => {
    const card = ResidenceGen2.make({ seed: 19 })
    login(card, NUMBER)
    expect(swOf(card, `${selectDf("DF1")} 00 00`)).toBe("9000")
    expect(swOf(card, concat(smReadExtended(0x81, 0), hex("00")))).toBe("6700")
    expect(swOf(card, "08 B0 81 00 04 96 02 00 00 00 00")).toBe("6700")
    expect(card.inspect().currentEf).toBeUndefined()
    expect(swOf(card, smReadExtended(0x81, 0))).toBe("9000")
  })

  it("a plain READ BINARY without Le: 67 00", () => {
    const card = ResidenceGen2.make({ seed: 18 })
    expect(swOf(card, "00 B0 8A 00")).toBe("6700")
  })
})

describe("command-level status words", () => {
  it("SELECT: unknown AID 6A 82, other file ID 6A 82, wrong P1-P2 6A 86, SM 68 82, EF SELECT by ID 6A 86", () => {
    const card = ResidenceGen2.make({ seed: 19 })
    expect(swOf(card, "00 A4 04 0C 10 D3 92 F0 00 4F 05 00 00 00 00 00 00 00 00 00 00")).toBe("6A82")
    expect(swOf(card, "00 A4 00 00 02 3F 01")).toBe("6A82")
    expect(swOf(card, "00 A4 04 00 10 D3 92 F0 00 4F 02 00 00 00 00 00 00 00 00 00 00")).toBe("6A86")
    expect(swOf(card, "08 A4 00 00 02 3F 00")).toBe("6882")
    expect(swOf(card, "00 A4 02 0C 02 00 01")).toBe("6A86")
  })

  it("GET CHALLENGE: SM 68 82, P1-P2 6A 86, Le under 8 67 00, Le 00 works", () => {
    const card = ResidenceGen2.make({ seed: 20 })
    expect(swOf(card, "08 84 00 00 08")).toBe("6882")
    expect(swOf(card, "00 84 00 01 08")).toBe("6A86")
    expect(swOf(card, "00 84 00 00 04")).toBe("6700")
    expect(send(card, "00 84 00 00 00").data.length).toBe(8)
  })

  it("unknown INS 6D 00, unknown CLA 6E 00, logical channel 68 81, too short 67 00", () => {
    const card = ResidenceGen2.make({ seed: 21 })
    expect(swOf(card, "00 CA 00 00 00")).toBe("6D00")
    expect(swOf(card, "80 B0 8A 00 00")).toBe("6E00")
    expect(swOf(card, "01 B0 8A 00 00")).toBe("6881")
    expect(swOf(card, "00 B0")).toBe("6700")
  })
})

describe("determinism", () => {
  it("the same seed gives the same challenges and session keys; randoms come first", () => {
    const a = ResidenceGen2.make({ seed: "x" })
    const b = ResidenceGen2.make({ seed: "x" })
    expect(toHex(authenticate(a, NUMBER))).toBe(toHex(authenticate(b, NUMBER)))
    const scripted = ResidenceGen2.make({ randoms: [hex("0102030405060708")], seed: 1 })
    expect(toHex(send(scripted, "00 84 00 00 08").data)).toBe("0102030405060708")
  })

  it("randoms are checked by make; a draw that meets an entry of the other length answers 6F00", () => {
    expect(() => ResidenceGen2.make({ randoms: [hex("01")] })).toThrow(
      /^randoms\[0\]: expected 8 bytes \(RND\.ICC, drawn by GET CHALLENGE\) or 16 bytes \(K\.ICC.*got 1 bytes$/
    )
    expect(() => ResidenceGen2.make({ randoms: [new Uint8Array(16)] })).toThrow(/^randoms\[0\]: expected 8 bytes/)
    const card = ResidenceGen2.make({ randoms: [new Uint8Array(8).fill(1), new Uint8Array(16)] })
    expect(toHex(send(card, "00 84 00 00 08").data)).toBe("0101010101010101")
    expect(swOf(card, "00 84 00 00 08")).toBe("6F00")
    expect(card.inspect().randomsMismatch).toMatch(
      /^randoms\[1\] has 16 bytes, but the card draws 8 bytes for RND\.ICC/
    )
  })
})
