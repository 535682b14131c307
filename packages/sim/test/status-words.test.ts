// Every status-word path of the simulated first-generation card, driven with raw APDUs.
import { concat } from "@jpcard/core/Bytes"
import { retailMac, tdesCbcEncrypt } from "@jpcard/core/crypto"
import { describe, expect, it } from "vitest"
import * as ResidenceGen1 from "../src/residence/Gen1Card.js"
import { CardPoweredOffError } from "../src/SimulatedCard.js"
import {
  authenticate,
  baseKey,
  hex,
  login,
  openSm,
  SELECT_MF,
  SPEC_K_IFD,
  SPEC_RND_IFD,
  selectDf,
  send,
  smReadExtended,
  swOf,
  toHex,
  verifyApdu,
  withByte
} from "./host.js"

const NUMBER = "AB12345678CD"
const card = (options: ResidenceGen1.Options = {}) => ResidenceGen1.make({ seed: "status-words", ...options })

/** A MUTUAL AUTHENTICATE command for the given challenge, optionally corrupted. */
const mutualAuth = (challenge: Uint8Array, corrupt: "none" | "mac" | "challenge" = "none") => {
  const key = baseKey(NUMBER)
  const echoed = corrupt === "challenge" ? challenge.map((b) => b ^ 0xff) : challenge
  const eIfd = tdesCbcEncrypt(key, concat(SPEC_RND_IFD, echoed, SPEC_K_IFD))
  const mIfd = retailMac(key, eIfd)
  if (corrupt === "mac") mIfd[7] = mIfd[7]! ^ 0x01
  return concat(hex("00 82 00 00 28"), eIfd, mIfd, hex("00"))
}

describe("SELECT FILE", () => {
  it("selects the MF and the three DFs, with no response data", () => {
    const c = card()
    for (const df of ["DF1", "DF2", "DF3"] as const) expect(toHex(c.transmit(hex(selectDf(df))))).toBe("9000")
    expect(c.inspect().currentDf).toBe("DF3")
    expect(toHex(c.transmit(hex(SELECT_MF)))).toBe("9000")
    expect(c.inspect().currentDf).toBe("MF")
  })

  it("6A82 for an unknown or partial AID and for a file ID other than 3F00; the current DF is kept", () => {
    const c = card()
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    expect(swOf(c, "00 A4 04 0C 10 D3 92 F0 00 4F 05 00 00 00 00 00 00 00 00 00 00")).toBe("6A82")
    expect(swOf(c, "00 A4 04 0C 06 D3 92 F0 00 4F 02")).toBe("6A82")
    expect(swOf(c, "00 A4 00 00 02 2F 00")).toBe("6A82")
    expect(c.inspect().currentDf).toBe("DF2")
  })

  it("6A86 for other P1-P2 (FCI requested, EF select, MF with P2 0C)", () => {
    const c = card()
    expect(swOf(c, "00 A4 04 00 10 D3 92 F0 00 4F 02 00 00 00 00 00 00 00 00 00 00")).toBe("6A86")
    expect(swOf(c, "00 A4 02 0C 02 00 01")).toBe("6A86")
    expect(swOf(c, "00 A4 00 0C 02 3F 00")).toBe("6A86")
  })

  it("uses Lc when the command data is longer than Lc (特記事項)", () => {
    const c = card()
    expect(swOf(c, `${selectDf("DF1")} FF FF FF`)).toBe("9000")
    expect(c.inspect().currentDf).toBe("DF1")
    expect(swOf(c, "00 A4 00 00 02 3F 00 12 34")).toBe("9000")
  })

  it("MUTUAL AUTHENTICATE and VERIFY also use Lc when the data is longer (§4.2.4(6), §4.2.2(6) 特記事項)", () => {
    const c = card()
    const challenge = send(c, "00 84 00 00 08").data
    // Two bytes after the data: not one Le field, so no Le, and the card still answers E_ICC ‖ M_ICC.
    const auth = send(c, concat(mutualAuth(challenge).subarray(0, 45), hex("00 00")))
    expect(auth.swHex).toBe("9000")
    expect(auth.data.length).toBe(40)
    const ks = c.inspect().sessionKey!
    expect(swOf(c, concat(verifyApdu(ks, NUMBER), hex("FF FF")))).toBe("9000")
    expect(c.inspect().verified).toBe(true)
  })

  it("6700 when the data is shorter than Lc; 6882 under SM", () => {
    const c = card()
    expect(swOf(c, "00 A4 04 0C 10 D3 92 F0 00 4F 02")).toBe("6700")
    expect(swOf(c, "00 A4 00 00")).toBe("6700")
    expect(swOf(c, "08 A4 00 00 02 3F 00")).toBe("6882")
  })
})

describe("GET CHALLENGE and MUTUAL AUTHENTICATE", () => {
  it("GET CHALLENGE returns 8 fresh bytes; Le must allow 8; P1-P2 00 00; no SM", () => {
    const c = card()
    const a = send(c, "00 84 00 00 08")
    const b = send(c, "00 84 00 00 00")
    expect(a.swHex).toBe("9000")
    expect(b.swHex).toBe("9000")
    expect(a.data.length).toBe(8)
    expect(b.data.length).toBe(8)
    expect(toHex(a.data)).not.toBe(toHex(b.data))
    expect(swOf(c, "00 84 00 00 04")).toBe("6700")
    expect(swOf(c, "00 84 00 00")).toBe("6700")
    expect(swOf(c, "00 84 00 01 08")).toBe("6A86")
    expect(swOf(c, "08 84 00 00 08")).toBe("6882")
  })

  it("6985 without a challenge, or when another command came between", () => {
    const c = card()
    const challenge = send(c, "00 84 00 00 08").data
    expect(swOf(c, SELECT_MF)).toBe("9000")
    expect(swOf(c, mutualAuth(challenge))).toBe("6985")
    expect(swOf(c, mutualAuth(challenge))).toBe("6985")
    expect(swOf(card(), mutualAuth(new Uint8Array(8)))).toBe("6985")
  })

  it("6300 for a bad M_IFD, and the challenge is disarmed", () => {
    const c = card()
    const challenge = send(c, "00 84 00 00 08").data
    expect(swOf(c, mutualAuth(challenge, "mac"))).toBe("6300")
    expect(swOf(c, mutualAuth(challenge))).toBe("6985")
  })

  it("6300 when RND.ICC is not echoed", () => {
    const c = card()
    const challenge = send(c, "00 84 00 00 08").data
    expect(swOf(c, mutualAuth(challenge, "challenge"))).toBe("6300")
    expect(c.inspect().sessionKey).toBeUndefined()
  })

  it("6300 for keys derived from another card number", () => {
    const c = card({ cardNumber: "ZZ99999999ZZ" })
    const challenge = send(c, "00 84 00 00 08").data
    expect(swOf(c, mutualAuth(challenge))).toBe("6300")
  })

  it("succeeds after a fresh challenge; only the latest challenge counts", () => {
    const c = card()
    const first = send(c, "00 84 00 00 08").data
    const second = send(c, "00 84 00 00 08").data
    expect(swOf(c, mutualAuth(first))).toBe("6300")
    const third = send(c, "00 84 00 00 08").data
    expect(toHex(third)).not.toBe(toHex(second))
    expect(swOf(c, mutualAuth(third))).toBe("9000")
    expect(c.inspect().sessionKey?.length).toBe(16)
  })

  it("6700 for a wrong Lc or a too small Le; 6A86 for P1-P2; 6882 under SM", () => {
    const c = card()
    const challenge = () => send(c, "00 84 00 00 08").data
    const good = mutualAuth(challenge())
    expect(swOf(c, concat(good.subarray(0, 4), hex("27"), good.subarray(5, 44), hex("00")))).toBe("6700")
    expect(swOf(c, concat(mutualAuth(challenge()).subarray(0, 45), hex("10")))).toBe("6700")
    expect(swOf(c, withByte(mutualAuth(challenge()), 3, 0x01))).toBe("6A86") // P2
    expect(swOf(c, withByte(mutualAuth(challenge()), 0, 0x08))).toBe("6882") // SM CLA
  })

  it("answers a MUTUAL AUTHENTICATE without Le (case 3) too", () => {
    const c = card()
    const challenge = send(c, "00 84 00 00 08").data
    const answer = send(c, mutualAuth(challenge).subarray(0, 45))
    expect(answer.swHex).toBe("9000")
    expect(answer.data.length).toBe(40)
  })
})

describe("VERIFY", () => {
  it("9000 for the right number; 6300 for a wrong one; unlimited retries; the latest result counts", () => {
    const c = card()
    const ks = authenticate(c, NUMBER)
    for (let i = 0; i < 20; i++) expect(swOf(c, verifyApdu(ks, "AB12345678CE"))).toBe("6300")
    expect(swOf(c, verifyApdu(ks, NUMBER))).toBe("9000")
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    expect(swOf(c, "00 B0 81 00 00")).toBe("9000")
    // A failed VERIFY after a good one revokes access.
    expect(swOf(c, verifyApdu(ks, "AA00000000AA"))).toBe("6300")
    expect(swOf(c, "00 B0 81 00 00")).toBe("6982")
    expect(swOf(c, verifyApdu(ks, NUMBER))).toBe("9000")
    expect(swOf(c, "00 B0 81 00 00")).toBe("9000")
  })

  it("6300 when the decrypted block has bad padding (wrong session key)", () => {
    const c = card()
    authenticate(c, NUMBER)
    expect(swOf(c, verifyApdu(new Uint8Array(16), NUMBER))).toBe("6300")
  })

  it("6982 in plain (CLA 00) and before MUTUAL AUTHENTICATE", () => {
    const c = card()
    const ks = authenticate(c, NUMBER)
    expect(swOf(c, withByte(verifyApdu(ks, NUMBER), 0, 0x00))).toBe("6982") // plain CLA
    expect(swOf(card(), verifyApdu(ks, NUMBER))).toBe("6982")
  })

  it("6988 for a wrong SM data object; 6A86 for a wrong P1-P2; format errors keep the state", () => {
    const c = card()
    const ks = login(c, NUMBER)
    const good = verifyApdu(ks, NUMBER)
    expect(swOf(c, withByte(good, 5, 0x87))).toBe("6988") // wrong tag
    expect(swOf(c, withByte(good, 7, 0x02))).toBe("6988") // wrong padding-content indicator
    expect(swOf(c, concat(hex("08 20 00 86 12"), good.subarray(5, 23)))).toBe("6988")
    expect(swOf(c, "08 20 00 86")).toBe("6988")
    expect(swOf(c, withByte(good, 3, 0x80))).toBe("6A86") // wrong P2
    expect(c.inspect().verified).toBe(true)
  })

  it("a new MUTUAL AUTHENTICATE ends the verified session", () => {
    const c = card()
    login(c, NUMBER)
    authenticate(c, NUMBER)
    expect(c.inspect().verified).toBe(false)
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    expect(swOf(c, "00 B0 81 00 00")).toBe("6982")
  })

  it("works with a DF current, and authentication survives SELECT", () => {
    const c = card()
    expect(swOf(c, selectDf("DF3"))).toBe("9000")
    login(c, NUMBER)
    expect(swOf(c, "00 B0 82 00 04")).toBe("9000")
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    expect(swOf(c, "00 B0 81 00 04")).toBe("9000")
  })
})

describe("READ BINARY", () => {
  it("MF/EF01 and MF/EF02 are free, in plain with short and extended Le", () => {
    const c = card()
    expect(toHex(c.transmit(hex("00 B0 8B 00 00 00 00")))).toBe("C004303030319000")
    expect(toHex(c.transmit(hex("00 B0 8A 00 00")))).toBe("C101319000")
    expect(toHex(c.transmit(hex("00 B0 8A 00 03")))).toBe("C101319000")
    expect(toHex(c.transmit(hex("00 B0 8A 00 02")))).toBe("C1019000")
    expect(toHex(c.transmit(hex("00 B0 8B 00 00 00 04")))).toBe("C00430309000")
  })

  it("6982 for DF2 and DF3 before VERIFY, in plain and under SM", () => {
    const c = card()
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    expect(swOf(c, "00 B0 81 00 00")).toBe("6982")
    expect(swOf(c, smReadExtended(0x81, 0))).toBe("6982") // no session key
    authenticate(c, NUMBER)
    expect(swOf(c, smReadExtended(0x81, 0))).toBe("6982") // session key, not verified
    expect(swOf(c, selectDf("DF3"))).toBe("9000")
    expect(swOf(c, "00 B0 82 00 00 00 00")).toBe("6982")
    expect(c.inspect().currentEf).toBeUndefined()
  })

  it("6982 for DF1 in plain even after VERIFY; DF1 under SM works", () => {
    const c = card()
    const ks = login(c, NUMBER)
    expect(swOf(c, selectDf("DF1"))).toBe("9000")
    expect(swOf(c, "00 B0 85 00 00 00 00")).toBe("6982")
    expect(swOf(c, "00 B0 86 00 00")).toBe("6982")
    const face = send(c, smReadExtended(0x86, 0))
    expect(face.swHex).toBe("9000")
    expect(toHex(openSm(ks, face.data))).toBe(toHex(c.files.df1.ef02))
  })

  it("DF2 and DF3 read in plain and under SM; MF EFs under SM too", () => {
    const c = card()
    const ks = login(c, NUMBER)
    expect(toHex(openSm(ks, send(c, smReadExtended(0x8a, 0)).data))).toBe("C10131")
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    const plain = send(c, "00 B0 81 00 00 00 00")
    expect(toHex(plain.data)).toBe(toHex(c.files.df2.ef01))
    expect(toHex(openSm(ks, send(c, smReadExtended(0x81, 0)).data))).toBe(toHex(c.files.df2.ef01))
    expect(swOf(c, selectDf("DF3"))).toBe("9000")
    expect(toHex(openSm(ks, send(c, smReadExtended(0x82, 0)).data))).toBe(toHex(c.files.df3.ef01))
  })

  it("6A82 for an SFI that is not in the current DF", () => {
    const c = card()
    login(c, NUMBER)
    expect(swOf(c, "00 B0 81 00 00")).toBe("6A82") // DF2's SFI with the MF current
    expect(swOf(c, "00 B0 80 00 00")).toBe("6A82")
    expect(swOf(c, selectDf("DF1"))).toBe("9000")
    expect(swOf(c, smReadExtended(0x8b, 0))).toBe("6A82")
    expect(swOf(c, selectDf("DF3"))).toBe("9000")
    expect(swOf(c, "00 B0 81 00 00")).toBe("6A82")
  })

  it("6A86 for P1 1 x x (b7 or b6 set)", () => {
    const c = card()
    expect(swOf(c, "00 B0 AB 00 00")).toBe("6A86")
    expect(swOf(c, "00 B0 CB 00 00")).toBe("6A86")
  })

  it("6B00 for an offset at or past the end, in both forms", () => {
    const c = card()
    expect(swOf(c, "00 B0 8B 06 00")).toBe("6B00")
    expect(swOf(c, "00 B0 8B 05 00")).toBe("9000")
    const ks = login(c, NUMBER)
    expect(swOf(c, selectDf("DF1"))).toBe("9000")
    expect(send(c, smReadExtended(0x85, 0)).swHex).toBe("9000")
    expect(swOf(c, smReadExtended(0x1b, 0x5c))).toBe("6B00") // offset 7004 in DF1/EF01
    expect(toHex(openSm(ks, send(c, smReadExtended(0x1b, 0x5b)).data))).toBe("00") // the last byte
  })

  it("6986 for the offset form without a current EF; a successful read sets it", () => {
    const c = card()
    expect(swOf(c, "00 B0 00 00 00")).toBe("6986")
    expect(swOf(c, "00 B0 8A 00 00")).toBe("9000")
    expect(c.inspect().currentEf).toBe("MF/EF02")
    expect(toHex(c.transmit(hex("00 B0 00 01 00")))).toBe("01319000")
    expect(swOf(c, SELECT_MF)).toBe("9000")
    expect(swOf(c, "00 B0 00 00 00")).toBe("6986")
    // A failed read does not set the current EF.
    login(c, NUMBER)
    expect(swOf(c, selectDf("DF1"))).toBe("9000")
    expect(swOf(c, "00 B0 85 00 00")).toBe("6982")
    expect(swOf(c, "00 B0 00 00 00")).toBe("6986")
  })

  it("6988 for a wrong or missing SM Le object (96 02 XX XX)", () => {
    const c = card()
    login(c, NUMBER)
    expect(swOf(c, "08 B0 8A 00 00 00 04 97 02 00 00 00 00")).toBe("6988")
    expect(swOf(c, "08 B0 8A 00 00 00 05 96 03 00 00 00 00 00")).toBe("6988")
    expect(swOf(c, "08 B0 8A 00 00 00 06 96 02 00 00 97 00 00 00")).toBe("6988")
    expect(swOf(c, "08 B0 8A 00 00 00 00")).toBe("6988")
    expect(swOf(c, "08 B0 8A 00 00")).toBe("6988")
  })

  it("6700 for inconsistent lengths and for a plain read without Le or with data", () => {
    const c = card()
    expect(swOf(c, "00 B0 8B 00 0A 01 02 03 04 05")).toBe("6700") // Lc 10, 5 bytes
    expect(swOf(c, "08 B0 8A 00 00 00 04 96 02 00")).toBe("6700") // extended Lc 4, 3 bytes
    expect(swOf(c, "00 B0 8B 00 00 00")).toBe("6700") // 6 bytes: neither short nor extended
    expect(swOf(c, "00 B0 8B 00")).toBe("6700") // case 1
    expect(swOf(c, "00 B0 8B 00 01 00 00")).toBe("6700") // data in a plain READ BINARY
    expect(swOf(c, "00 B0")).toBe("6700")
  })

  it("6700 for bytes beyond Lc/Le under SM: READ BINARY has no 特記事項 (§4.2.5(6) 「特に無し」); nothing is read", () => {
    const c = card()
    login(c, NUMBER)
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    // The well-formed extended and short forms read.
    expect(swOf(c, smReadExtended(0x81, 0))).toBe("9000")
    expect(swOf(c, "08 B0 81 00 04 96 02 00 10 00")).toBe("9000")
    c.transmit(hex(SELECT_MF))
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    for (const apdu of [
      "08 B0 81 00 00 00 04 96 02 00 00 00 00 00", // extended Lc, 3 bytes after the data
      "08 B0 81 00 00 00 04 96 02 00 00 00", // extended Lc, 1 byte after the data
      "08 B0 81 00 04 96 02 00 00 00 00", // short Lc, an extended-looking Le
      "08 B0 81 00 04 96 02 00 10 00 FF FF" // short Lc, 3 bytes after the data
    ]) {
      expect(swOf(c, apdu), apdu).toBe("6700")
      expect(c.inspect().currentEf, apdu).toBeUndefined()
    }
    // GET CHALLENGE (§4.2.3(6) 「特に無し」): a data field is a wrong length too, and nothing is armed.
    expect(swOf(c, "00 84 00 00 01 08 00 00")).toBe("6700")
    expect(c.inspect().challengeArmed).toBe(false)
  })

  it("returns what is left when Le asks for more (plain, short and extended)", () => {
    const c = card()
    login(c, NUMBER)
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    const all = send(c, "00 B0 81 00 00 FF FF")
    expect(all.data.length).toBe(342)
    const first = send(c, "00 B0 81 00 00")
    expect(first.data.length).toBe(256)
    const rest = send(c, "00 B0 01 00 00")
    expect(rest.data.length).toBe(86)
    expect(toHex(concat(first.data, rest.data))).toBe(toHex(c.files.df2.ef01))
  })
})

describe("SM READ BINARY sizes", () => {
  it("at most XX XX plaintext bytes; padding always present (8 aligned data gains a block)", () => {
    const c = card()
    const ks = login(c, NUMBER)
    expect(swOf(c, selectDf("DF1"))).toBe("9000")
    const r16 = send(c, smReadExtended(0x85, 0, 16))
    expect(toHex(r16.data.subarray(0, 3))).toBe("861901") // 16 + 8 padding + 1
    expect(openSm(ks, r16.data).length).toBe(16)
    const r5 = send(c, smReadExtended(0x85, 0, 5))
    expect(toHex(r5.data.subarray(0, 3))).toBe("860901")
    expect(toHex(openSm(ks, r5.data))).toBe(toHex(c.files.df1.ef01.subarray(0, 5)))
  })

  it("short form: the 86 object fits the short Le 256 (at most 247 plaintext bytes)", () => {
    const c = card()
    const ks = login(c, NUMBER)
    expect(swOf(c, selectDf("DF1"))).toBe("9000")
    const r = send(c, "08 B0 85 00 04 96 02 00 00 00")
    expect(r.swHex).toBe("9000")
    expect(r.data.length).toBe(252)
    expect(toHex(r.data.subarray(0, 3))).toBe("8681F9")
    expect(openSm(ks, r.data).length).toBe(247)
    expect(ResidenceGen1.maxSmPlaintext(256)).toBe(247)
    // A small Le limits the plaintext as well; below 11 bytes nothing fits.
    expect(openSm(ks, send(c, "08 B0 85 00 04 96 02 00 00 20").data).length).toBe(23)
    expect(openSm(ks, send(c, "08 B0 85 00 04 96 02 00 00 0B").data).length).toBe(7)
    expect(swOf(c, "08 B0 85 00 04 96 02 00 00 0A")).toBe("6700")
  })

  it("chunked reads with the offset form reassemble the file; each response starts from IV 0", () => {
    const c = card()
    const ks = login(c, NUMBER)
    expect(swOf(c, selectDf("DF1"))).toBe("9000")
    const chunks: Array<Uint8Array> = []
    let offset = 0
    let first = true
    while (offset < 7004) {
      const command = first ? smReadExtended(0x85, 0, 1000) : smReadExtended((offset >> 8) & 0x7f, offset & 0xff, 1000)
      first = false
      const r = send(c, command)
      expect(r.swHex).toBe("9000")
      const plain = openSm(ks, r.data)
      chunks.push(plain)
      offset += plain.length
    }
    expect(chunks.length).toBe(8)
    expect(toHex(concat(...chunks))).toBe(toHex(c.files.df1.ef01))
    // Short-form chunks of 247 bytes, as a short-APDU reader path reads them.
    const shortChunks: Array<Uint8Array> = []
    offset = 0
    while (offset < 3004) {
      const p1 = shortChunks.length === 0 ? 0x86 : (offset >> 8) & 0x7f
      const p2 = shortChunks.length === 0 ? 0 : offset & 0xff
      const r = send(c, Uint8Array.of(0x08, 0xb0, p1, p2, 0x04, 0x96, 0x02, 0x00, 0xf7, 0x00))
      expect(r.swHex).toBe("9000")
      expect(r.data.length).toBeLessThanOrEqual(256)
      const plain = openSm(ks, r.data)
      shortChunks.push(plain)
      offset += plain.length
    }
    expect(shortChunks.length).toBe(13)
    expect(toHex(concat(...shortChunks))).toBe(toHex(c.files.df1.ef02))
  })
})

describe("CLA, INS and power", () => {
  it("6D00 for an unknown INS, 6E00 for an unknown CLA, 6881 for a logical channel", () => {
    const c = card()
    expect(swOf(c, "00 CA 00 00 00")).toBe("6D00")
    expect(swOf(c, "00 B1 00 00 00")).toBe("6D00")
    expect(swOf(c, "80 B0 8B 00 00")).toBe("6E00")
    expect(swOf(c, "0C B0 8B 00 00")).toBe("6E00")
    expect(swOf(c, "01 B0 8B 00 00")).toBe("6881")
  })

  it("power off clears authentication, session key, current DF/EF and the challenge", () => {
    const c = card()
    login(c, NUMBER)
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    expect(swOf(c, "00 B0 81 00 00")).toBe("9000")
    send(c, "00 84 00 00 08")
    c.powerOff()
    expect(() => c.transmit(hex(SELECT_MF))).toThrow(CardPoweredOffError)
    c.powerOn()
    expect(c.inspect()).toEqual({
      powered: true,
      currentDf: "MF",
      currentEf: undefined,
      challengeArmed: false,
      sessionKey: undefined,
      verified: false
    })
    expect(swOf(c, "00 B0 00 00 00")).toBe("6986")
    expect(swOf(c, mutualAuth(new Uint8Array(8)))).toBe("6985")
    expect(swOf(c, selectDf("DF2"))).toBe("9000")
    expect(swOf(c, "00 B0 81 00 00")).toBe("6982")
  })
})
