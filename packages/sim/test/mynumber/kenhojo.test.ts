// 券面事項入力補助AP (kenhojo) driven with the raw APDUs of shared/reference/mynumber-card.md §8.1, §8.2, §8.7;
// records checked against §7.1–§7.6 and §9 with test-side parsing and bigint RSA.
import { describe, expect, it } from "vitest"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
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
  selectEf,
  send,
  sha256,
  signChallenge,
  swOf,
  toHex,
  verifyApdu,
  verifyKey,
  verifyPkcs1Sha256
} from "./host.js"

const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const kenhojo = cardIn("kenhojo", 2)

describe("kenhojo: §8.1 and §8.2", () => {
  it("§8.1 byte for byte: SELECT, SELECT 0011, VERIFY 1234, SELECT 0001, READ BINARY Le 00 → 17 bytes", () => {
    const card = MyNumberCard.make()
    ok(card, "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")
    ok(card, "00 A4 02 0C 02 00 11")
    ok(card, "00 20 00 80 04 31 32 33 34")
    ok(card, "00 A4 02 0C 02 00 01")
    const data = ok(card, "00 B0 00 00 00")
    expect(toHex(data)).toBe(`FF100C${toHex(new TextEncoder().encode("123456789018"))}FFFF`)
  })

  it("§8.1 with 照合番号A (00 14, 12 digits) and the SFI variant (00 20 00 91, 00 B0 81 00 00)", () => {
    const card = kenhojo()
    expect(verifyKey(card, 0x0014, "123456789018")).toBe("9000")
    expect(toHex(readEf(card, 0x0001).subarray(3, 15))).toBe(toHex(new TextEncoder().encode("123456789018")))
    const other = kenhojo()
    ok(other, "00 20 00 91 04 31 32 33 34")
    expect(ok(other, "00 B0 81 00 00").length).toBe(17)
  })

  it("§8.2: 7-byte header, then the rest by the length in it; the offset table points at the fields", () => {
    const card = kenhojo()
    expect(verifyKey(card, 0x0015, "60040120355678")).toBe("9000")
    ok(card, selectEf(0x0002))
    const head = ok(card, "00 B0 00 00 07")
    expect(toHex(head.subarray(0, 2))).toBe("FF20")
    const total = head[2]! < 0x80 ? head[2]! + 3 : ((head[3]! << 8) | head[4]!) + 5
    const rest = ok(card, Uint8Array.of(0x00, 0xb0, 0x00, 0x07, total - 7))
    const file = concat(head, rest)
    const f = fields(file)
    const table = f.get(0xdf21).value
    expect(table.length).toBe(8)
    const tags = [0xdf22, 0xdf23, 0xdf24, 0xdf25]
    expect(offsetsOf(table)).toEqual(tags.map((tag) => f.get(tag).start))
    expect(utf8(f.get(0xdf22).value)).toBe("見本　花子")
    expect(utf8(f.get(0xdf23).value)).toBe("東京都千代田区霞が関２丁目１番２号")
    expect(utf8(f.get(0xdf24).value)).toBe("19850401")
    expect(utf8(f.get(0xdf25).value)).toBe("2")
    // The physical file ends with the TLV (no filler is documented for EF0002).
    expect(readEf(card, 0x0002).length).toBe(total)
  })
})

describe("kenhojo: access rules (§3.2)", () => {
  it("nothing presented: 0001–0003 and 0006–0008 → 6982; 0004 and 0005 free", () => {
    const card = kenhojo()
    for (const fid of [1, 2, 3, 6, 7, 8]) expect(readSw(card, fid), `EF${fid}`).toBe("6982")
    for (const fid of [4, 5]) expect(readSw(card, fid), `EF${fid}`).toBe("9000")
  })

  it("照合番号A opens 0001, not 0002; 照合番号B opens 0002, not 0001; the PIN opens both; all three open 0003", () => {
    const expectations: ReadonlyArray<[number, string, Record<number, string>]> = [
      [0x0014, "123456789018", { 1: "9000", 2: "6982", 3: "9000", 6: "9000", 7: "9000" }],
      [0x0015, "60040120355678", { 1: "6982", 2: "9000", 3: "9000", 6: "9000", 7: "9000" }],
      [0x0011, "1234", { 1: "9000", 2: "9000", 3: "9000", 6: "9000", 7: "9000" }]
    ]
    for (const [key, value, files] of expectations) {
      const card = kenhojo()
      expect(verifyKey(card, key, value)).toBe("9000")
      for (const [fid, expected] of Object.entries(files))
        expect(readSw(card, Number(fid)), `${key}/${fid}`).toBe(expected)
    }
  }, 30000) // EF0006 holds a key generated on first use

  it("counters: PIN 3, 照合番号A/B 10; 0012 is blocked at issuance (63C0, then 6984)", () => {
    const card = kenhojo()
    expect(verifyKey(card, 0x0011)).toBe("63C3")
    expect(verifyKey(card, 0x0014)).toBe("63CA")
    expect(verifyKey(card, 0x0015)).toBe("63CA")
    expect(verifyKey(card, 0x0012)).toBe("63C0")
    expect(swOf(card, verifyApdu("1234"))).toBe("6984")
    // Separate counters: a wrong 照合番号A does not touch the PIN.
    expect(verifyKey(card, 0x0014, "000000000000")).toBe("63C9")
    expect(verifyKey(card, 0x0011)).toBe("63C3")
    expect(card.triesLeft("kenhojoA")).toBe(9)
  })

  it("照合番号A/B cannot be changed (6985); the PIN can (00 24 01 80 after VERIFY)", () => {
    const card = kenhojo()
    expect(verifyKey(card, 0x0014, "123456789018")).toBe("9000")
    expect(swOf(card, "00 24 01 80 0C 31 31 31 31 31 31 31 31 31 31 31 31")).toBe("6985")
    expect(verifyKey(card, 0x0011, "1234")).toBe("9000")
    expect(swOf(card, "00 24 01 80 04 39 38 37 36")).toBe("9000")
    expect(card.pins.kenhojo).toBe("9876")
    // CHANGE KEY (80 32) is the common/juki form: here 6985.
    expect(swOf(card, "80 32 00 80 04 31 32 33 34")).toBe("6985")
  })
})

describe("kenhojo: signed records (§7.3, §7.4, §7.6, §9)", () => {
  const open = () => {
    const card = kenhojo()
    expect(verifyKey(card, 0x0011, "1234")).toBe("9000")
    return card
  }

  it("EF0004 CVC: 7F21 82 02 33, 568 bytes, verifies under the test CVC CA; its subject key verifies EF0003", () => {
    const card = open()
    const cvcFile = readEf(card, 0x0004)
    expect(cvcFile.length).toBe(568)
    expect(toHex(cvcFile.subarray(0, 5))).toBe("7F21820233")
    const cvc = parseCvc(cvcFile)
    expect(verifyPkcs1Sha256(CVC_CA, cvc.body, cvc.signature)).toBe(true)
    expect(toHex(cvc.issuer)).toBe(
      toHex(concat(new TextEncoder().encode("9000033"), hex("0805"), new TextEncoder().encode("001"), hex("00000000")))
    )

    const integrity = readEf(card, 0x0003)
    expect(integrity.length).toBe(336)
    expect(toHex(integrity.subarray(0, 5))).toBe("FF3082014B")
    const f = fields(integrity)
    const myNumberFile = readEf(card, 0x0001)
    expect(myNumberFile.length).toBe(17)
    // DF31 covers the physical EF0001, filler included (§11: trimming breaks it).
    expect(toHex(f.get(0xdf31).value)).toBe(toHex(sha256(myNumberFile)))
    expect(toHex(f.get(0xdf31).value)).not.toBe(toHex(sha256(myNumberFile.subarray(0, 15))))
    // DF32 covers EF0002 from the DF22 TLV to the end of the FF20 value.
    const attributes = readEf(card, 0x0002)
    const a = fields(attributes)
    expect(toHex(f.get(0xdf32).value)).toBe(toHex(sha256(attributes.subarray(a.get(0xdf22).start, a.outer.end))))
    // DF33 over the DF31 and DF32 TLVs as written, under the CVC's key.
    const signed = concat(f.get(0xdf31).raw, f.get(0xdf32).raw)
    expect(verifyPkcs1Sha256(cvc.key, signed, f.get(0xdf33).value)).toBe(true)
    expect(verifyPkcs1Sha256(CVC_CA, signed, f.get(0xdf33).value)).toBe(false)
  })

  it("EF0007 carries the card key, signed by the CVC's key; §8.7: the card key signs a challenge without PIN", () => {
    const card = open()
    const cvc = parseCvc(readEf(card, 0x0004))
    const f = fields(readEf(card, 0x0007))
    expect(toHex(readEf(card, 0x0007).subarray(0, 5))).toBe("FF50820213")
    expect(verifyPkcs1Sha256(cvc.key, f.get(0xdf51).raw, f.get(0xdf52).value)).toBe(true)
    const cardKey = parseCardPublicKey(f.get(0xdf51).value)
    // Fresh session, nothing verified: GET CHALLENGE, then 80 2A 00 00 with DigestInfo(SHA-256(challenge)).
    const { challenge, signature } = signChallenge(card, "kenhojo")
    expect(verifyPkcs1Sha256(cardKey, challenge, signature)).toBe(true)
    // The card key does not verify the records, and the CVC key does not verify the challenge.
    expect(verifyPkcs1Sha256(cvc.key, challenge, signature)).toBe(false)
    // JSA: a raw 32-byte value with P1 00 is padded as given.
    const raw = sha256(challenge)
    const s2 = ok(card, concat(hex("80 2A 00 00 20"), raw, hex("00")))
    expect(toHex(pkcs1Payload(rsaOpen(cardKey, s2))!)).toBe(toHex(raw))
    // P2 93 names the key (0013) by SFI; INTERNAL AUTHENTICATE on it → 6985.
    expect(ok(card, concat(hex("80 2A 00 93 20"), raw, hex("00"))).length).toBe(256)
    expect(swOf(card, concat(hex("00 88 00 93 10"), challenge, hex("00")))).toBe("6985")
  })

  it("EF0005 basic info and EF0006 session-key key; EF0008 16 × FF", () => {
    const card = open()
    const basic = fields(readEf(card, 0x0005))
    expect(basic.outer.tag).toBe(0xff40)
    expect(toHex(basic.get(0xdf41).value)).toBe("01030E01")
    expect(basic.get(0xdf42).value.length).toBe(16)
    const df43 = basic.get(0xdf43).value
    expect(df43.length).toBe(128)
    expect(df43.subarray(32).every((b) => b === 0xff)).toBe(true)
    expect(toHex(readEf(card, 0x0008))).toBe("FF".repeat(16))
    const session = fields(readEf(card, 0x0006))
    expect(session.outer.tag).toBe(0xa1)
    const key = parseCardPublicKey(session.outer.value)
    expect(key.n).toBe(card.publicKeys.kenhojoSessionKey.n)
    expect(key.e).toBe(65537n)
  }, 30000)
})

describe("kenhojo: 照合番号B by calendar (§6.3)", () => {
  it("Japanese national: era YYMMDD (昭和60 → 600401) + expiry year + security code", () => {
    const card = kenhojo()
    expect(card.verificationCodeB).toBe("60040120355678")
    expect(verifyKey(card, 0x0015, "19850401" + "20355678")).toBe("63C9") // JRS's 16-digit form is wrong
    expect(verifyKey(card, 0x0015, "850401" + "20355678")).toBe("63C8") // Western YY is wrong for a national
    expect(verifyKey(card, 0x0015, "60040120355678")).toBe("9000")
    expect(card.triesLeft("kenhojoB")).toBe(10)
  })

  it("foreign resident: Western YYMMDD (1990 → 90), the era form (平成2 → 02) fails and costs a try", () => {
    const card = kenhojo({ preset: "foreignResident" })
    expect(card.verificationCodeB).toBe("90071520304321")
    expect(verifyKey(card, 0x0015, "02071520304321")).toBe("63C9")
    expect(verifyKey(card, 0x0015, "90071520304321")).toBe("9000")
    const f = fields(readEf(card, 0x0002))
    expect(utf8(f.get(0xdf22).value)).toBe("SAMPLE JOHN")
    expect(utf8(f.get(0xdf24).value)).toBe("19900715") // records store the Gregorian date whatever the print
  })

  it("holder overrides: a custom birth date and calendar change 照合番号B and the records together", () => {
    const card = kenhojo({ holder: { birthDate: "19890107", securityCode: "0001" } })
    expect(card.verificationCodeB).toBe("64010720350001") // 昭和64
    const western = kenhojo({ holder: { birthDate: "19890107", birthDateCalendar: "western" } })
    expect(western.verificationCodeB).toBe("89010720355678")
    expect(send(western, selectEf(0x0015)).swHex).toBe("9000")
  })
})
