// 共通カードAP, 住基AP and the MF level (shared/reference/mynumber-card.md §3.4–§3.6, §4, §8.8) with raw APDUs.
import { describe, expect, it } from "vitest"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import {
  CVC_CA,
  concat,
  hex,
  ok,
  parseCvc,
  readEf,
  selectDf,
  selectEf,
  send,
  swOf,
  toHex,
  verifyApdu,
  verifyKey,
  verifyPkcs1Sha256
} from "./host.js"

const ascii = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe("共通カードAP", () => {
  it("§8.8: READ RECORD 1 of EF0001 (00 B2 01 04 00, or SFI 00 B2 01 0C 00) → 01 1C serial ‖ municipality ‖ expiry", () => {
    const card = MyNumberCard.make()
    ok(card, "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00")
    ok(card, "00 A4 02 0C 02 00 01")
    const record = ok(card, "00 B2 01 04 00")
    expect(toHex(record.subarray(0, 2))).toBe("011C")
    expect(ascii(record.subarray(2))).toBe("990000000000001" + "13101" + "20350401")
    const fresh = MyNumberCard.make()
    ok(fresh, selectDf("common"))
    expect(toHex(ok(fresh, "00 B2 01 0C 00"))).toBe(toHex(record))
    // MYNA reads characters 2..15 as 製造番号.
    expect(ascii(record.subarray(2, 17))).toBe("990000000000001")
  })

  it("record errors: record 2 → 6A83; READ BINARY on a record EF → 6981; 'P1 to last' (P2 05) works", () => {
    const card = MyNumberCard.make()
    ok(card, selectDf("common"))
    ok(card, selectEf(0x0001))
    expect(swOf(card, "00 B2 02 04 00")).toBe("6A83")
    expect(swOf(card, "00 B0 00 00 00")).toBe("6981")
    expect(ok(card, "00 B2 01 05 00").length).toBe(30)
    expect(swOf(card, "00 B2 01 04 10")).toBe("6C1E") // Le too short: the exact length
    expect(swOf(card, "00 B2 01 06 00")).toBe("6A86")
    expect(ok(card, "00 B2 01 14 00").length).toBe(16) // SFI 2: the key-reference record
  })

  it("PIN 001C: 3 tries, CHANGE KEY 80 32 00 80 after VERIFY (00 24 is refused here)", () => {
    const card = MyNumberCard.make({ pins: { common: "4321" } })
    ok(card, selectDf("common"))
    expect(verifyKey(card, 0x001c)).toBe("63C3")
    expect(swOf(card, "80 32 00 80 04 31 31 31 31")).toBe("6982")
    expect(swOf(card, verifyApdu("4321"))).toBe("9000")
    expect(swOf(card, "00 24 01 80 04 31 31 31 31")).toBe("6985")
    expect(swOf(card, "80 32 00 80 04 31 31 31 31")).toBe("9000")
    expect(card.pins.common).toBe("1111")
    expect(swOf(card, verifyApdu("4321"))).toBe("63C2")
  })

  it("INTERNAL AUTHENTICATE on 0019 (no credential): PKCS#1 v1.5 over DigestInfo(SHA-256(challenge))", () => {
    const card = MyNumberCard.make()
    ok(card, selectDf("common"))
    const challenge = hex("00 11 22 33 44 55 66 77")
    const signature = ok(card, concat(hex("00 88 00 99 08"), challenge, hex("00")))
    expect(signature.length).toBe(256)
    const key = card.publicKeys.commonInternalAuth
    expect(verifyPkcs1Sha256(key, challenge, signature)).toBe(true)
    // Deterministic: the same challenge gives the same answer, on another card too.
    const again = MyNumberCard.make()
    ok(again, selectDf("common"))
    expect(toHex(ok(again, concat(hex("00 88 00 99 08"), challenge, hex("00"))))).toBe(toHex(signature))
    // Other keys: the JPKI keys → 6982, a PIN → 6A88, no current EF → 6986.
    ok(card, selectEf(0x001c))
    expect(swOf(card, concat(hex("00 88 00 80 08"), challenge, hex("00")))).toBe("6A88")
    ok(card, selectDf("jpki"))
    expect(swOf(card, concat(hex("00 88 00 80 08"), challenge, hex("00")))).toBe("6986")
    expect(swOf(card, concat(hex("00 88 00 97 08"), challenge, hex("00")))).toBe("6982")
  }, 30000)
})

describe("住基AP", () => {
  it("EF0002 one 16-byte record; PIN 001C separate from the common AP's", () => {
    const card = MyNumberCard.make({ pins: { juki: "2468" }, triesLeft: { jukiPin: 2 } })
    ok(card, selectDf("juki"))
    expect(ok(card, "00 B2 01 14 00").length).toBe(16)
    expect(verifyKey(card, 0x001c)).toBe("63C2")
    expect(swOf(card, verifyApdu("1234"))).toBe("63C1")
    expect(swOf(card, verifyApdu("2468"))).toBe("9000")
    ok(card, selectDf("common"))
    expect(verifyKey(card, 0x001c)).toBe("63C3")
    expect(swOf(card, selectEf(0x0001))).toBe("9000")
    ok(card, selectDf("juki"))
    expect(swOf(card, selectEf(0x0001))).toBe("6A82")
  })
})

describe("MF level (§3.6, §4 traps)", () => {
  it("00 A4 00 00: 6A86 after reset, 90 00 without effect once a DF is current; 3F00 → 6A82", () => {
    const card = MyNumberCard.make()
    expect(swOf(card, "00 A4 00 00")).toBe("6A86")
    expect(swOf(card, "00 A4 00 00 02 3F 00")).toBe("6A82")
    ok(card, selectDf("kenhojo"))
    expect(swOf(card, "00 A4 00 00")).toBe("9000")
    expect(card.inspect().currentDf).toBe("kenhojo")
    // EF IDs repeat across DFs (§11): EF0001 is still kenhojo's.
    expect(verifyKey(card, 0x0011, "1234")).toBe("9000")
    expect(readEf(card, 0x0001).length).toBe(17)
  })

  it("no EF at the MF except the internal 001E (6981 to reads); SELECT of the ISD returns to the MF state", () => {
    const card = MyNumberCard.make()
    expect(swOf(card, selectEf(0x0001))).toBe("6A82")
    expect(swOf(card, selectEf(0x2f10))).toBe("6A82")
    ok(card, selectEf(0x001e))
    expect(swOf(card, "00 B0 00 00 00")).toBe("6981")
    expect(swOf(card, "00 B2 01 04 00")).toBe("6981")
    expect(swOf(card, "00 B0 00 00 00")).toBe("6981")
    ok(card, selectDf("jpki"))
    expect(swOf(card, "00 CA 00 F0 00")).toBe("6A88")
    ok(card, selectDf("isd"))
    expect(card.inspect().currentDf).toBe("mf")
    expect(ascii(ok(card, "00 CA 00 F0 00"))).toBe("13101")
    expect(swOf(card, "00 A4 00 00")).toBe("6A86")
  })

  it("GET DATA objects: 0045 card ID, 00F0 municipality, 00F2 expiry, 0066 card recognition data, 5F51 ATR", () => {
    const card = MyNumberCard.make()
    expect(ascii(ok(card, "00 CA 00 45 00"))).toBe("990000000000001")
    expect(ascii(ok(card, "00 CA 00 F2 00"))).toBe("20350401")
    expect(ok(card, "00 CA 00 42 00").length).toBe(16)
    expect(toHex(ok(card, "00 CA 00 66 00").subarray(0, 1))).toBe("66")
    expect(swOf(card, "00 CA 00 F0 02")).toBe("6C05")
    expect(swOf(card, "00 CA 12 34 00")).toBe("6A88")
    // 5F51: the contact ATR without TS, with the application selected as well; it declares no historical bytes.
    const atr = ok(card, "00 CA 5F 51 00")
    expect(toHex(concat(hex("3B"), atr))).toBe(toHex(MyNumberCard.ATR_CONTACT))
    expect(atr.reduce((x, b) => x ^ b, 0)).toBe(0)
    ok(card, selectDf("kenkaku"))
    expect(toHex(ok(card, "00 CA 5F 51 00"))).toBe(toHex(atr))
  })

  it("the MF CVC chain: 00F8 (short Le → 6700; extended) under the CA, then 7F21 under the key 00F8 certifies", () => {
    const card = MyNumberCard.make()
    expect(swOf(card, "00 CA 00 F8 00")).toBe("6700")
    const upper = ok(card, "00 CA 00 F8 00 00 00")
    expect(toHex(upper.subarray(0, 2))).toBe("5F4E") // template contents, no 7F21 header
    const root = parseCvc(upper)
    expect(verifyPkcs1Sha256(CVC_CA, root.body, root.signature)).toBe(true)
    expect(toHex(ok(card, "00 CA 00 F7 00"))).toBe(toHex(root.subject))
    const lower = parseCvc(ok(card, "00 CA 7F 21 00 00 00"))
    expect(toHex(lower.issuer)).toBe(toHex(root.subject))
    expect(verifyPkcs1Sha256(root.key, lower.body, lower.signature)).toBe(true)
    expect(verifyPkcs1Sha256(CVC_CA, lower.body, lower.signature)).toBe(false)
    expect(lower.key.n).toBe(card.publicKeys.mfLeaf.n)
  }, 30000)
})

describe("SET SESSION KEY 80 AE (secure messaging is not simulated)", () => {
  it("66F1 in common/kenkaku/MF, 6982 in JPKI/juki and in kenhojo without the PIN, 6F00 / 6A80 after it", () => {
    const card = MyNumberCard.make()
    const cryptogram = (first: number) => concat(hex("80 AE 00 00 00 01 00"), Uint8Array.of(first), new Uint8Array(255))
    expect(swOf(card, cryptogram(1))).toBe("66F1")
    for (const [df, expected] of [
      ["common", "66F1"],
      ["kenkaku", "66F1"],
      ["jpki", "6982"],
      ["juki", "6982"],
      ["kenhojo", "6982"]
    ] as const) {
      ok(card, selectDf(df))
      expect(swOf(card, cryptogram(1)), df).toBe(expected)
    }
    expect(verifyKey(card, 0x0011, "1234")).toBe("9000")
    expect(swOf(card, cryptogram(0xff))).toBe("6F00")
    expect(swOf(card, cryptogram(0x01))).toBe("6A80")
    expect(send(card, "80 AE 00 00 02 01 02").swHex).toBe("6700")
  }, 30000)
})
