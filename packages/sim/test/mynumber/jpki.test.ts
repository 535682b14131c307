// JPKI AP driven with the raw APDUs of shared/reference/mynumber-card.md §8.3–§8.5 and of OpenSC's jpki driver
// (shared/reference/transports.md §3).
import { describe, expect, it } from "vitest"
import * as Fixtures from "../../src/fixtures/data.js"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import {
  cardIn,
  concat,
  hex,
  importSpki,
  ok,
  pkcs1Payload,
  readEf,
  readPhysical,
  rsaOfSpki,
  rsaOpen,
  SHA256_PREFIX,
  selectDf,
  selectEf,
  send,
  sha256,
  spkiOf,
  swOf,
  toHex,
  verifyApdu,
  verifyKey
} from "./host.js"

const digestInfo = (message: Uint8Array) => concat(SHA256_PREFIX, sha256(message))
const message = new TextEncoder().encode("jpcard: a message to sign")

const jpki = cardIn("jpki", 1)

describe("JPKI AP: files", () => {
  it("token info: 160 bytes, label JPKIAPICCTOKEN2 space-padded (§8.3 reads 0x20 bytes)", () => {
    const card = jpki()
    ok(card, selectEf(0x0006))
    const label = ok(card, "00 B0 00 00 20")
    expect(new TextDecoder().decode(label)).toBe("JPKIAPICCTOKEN2".padEnd(32, " "))
    const all = readPhysical(card)
    expect(all.length).toBe(160)
    // CK_ULONG fields are 32-bit big-endian: ulMinPinLen (offset 120) = 4, ulMaxPinLen (116) = 16.
    expect(toHex(all.subarray(116, 124))).toBe("0000001000000004")
  })

  it("OpenSC length discovery: 00 B0 00 00 04 → 30 82 LL LL, then 256-byte chunks with Le 00", () => {
    const card = jpki()
    for (const [fid, fixture] of [
      [0x000a, Fixtures.myNumberJpkiAuthCertDer],
      [0x000b, Fixtures.myNumberJpkiAuthCaCertDer],
      [0x0002, Fixtures.myNumberJpkiSignCaCertDer]
    ] as const) {
      ok(card, selectEf(fid))
      const head = ok(card, "00 B0 00 00 04")
      expect(head[0]).toBe(0x30)
      expect(head[1]).toBe(0x82)
      const size = ((head[2]! << 8) | head[3]!) + 4
      expect(size).toBe(fixture.length)
      const parts: Array<Uint8Array> = []
      for (let offset = 0; offset < size; offset += 256) {
        const chunk = ok(card, Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, 0x00))
        expect(chunk.length).toBe(Math.min(256, size - offset))
        parts.push(chunk.slice())
      }
      expect(toHex(concat(...parts))).toBe(toHex(fixture))
      // At the end of the file: 6B00.
      expect(swOf(card, Uint8Array.of(0x00, 0xb0, size >> 8, size & 0xff, 0x00))).toBe("6B00")
    }
  })

  it("TEX: 4-byte header, then the rest in one extended READ BINARY (00 B0 00 04 00 HH LL)", () => {
    const card = jpki()
    ok(card, selectEf(0x000a))
    const head = ok(card, "00 B0 00 00 04")
    const rest = ok(card, Uint8Array.of(0x00, 0xb0, 0x00, 0x04, 0x00, head[2]!, head[3]!))
    expect(toHex(concat(head, rest))).toBe(toHex(Fixtures.myNumberJpkiAuthCertDer))
  })

  it("SFI read without SELECT: 00 B0 8A 00 00 reads the auth certificate", () => {
    const card = jpki()
    const first = ok(card, "00 B0 8A 00 00")
    expect(toHex(first)).toBe(toHex(Fixtures.myNumberJpkiAuthCertDer.subarray(0, 256)))
    // The SFI read made 000A current: the offset form continues in it.
    expect(toHex(ok(card, "00 B0 01 00 10"))).toBe(toHex(Fixtures.myNumberJpkiAuthCertDer.subarray(256, 272)))
  })

  it("the signature certificate needs the signing password (6982 before, the DER after)", () => {
    const card = jpki()
    ok(card, selectEf(0x0001))
    expect(swOf(card, "00 B0 00 00 04")).toBe("6982")
    expect(verifyKey(card, 0x001b, "ABC123")).toBe("9000")
    expect(toHex(readEf(card, 0x0001))).toBe(toHex(Fixtures.myNumberJpkiSignCertDer))
    // The auth PIN does not open it.
    const other = jpki()
    expect(verifyKey(other, 0x0018, "1234")).toBe("9000")
    ok(other, selectEf(0x0001))
    expect(swOf(other, "00 B0 00 00 04")).toBe("6982")
  })

  it("EF0008 = 8F 8F 00; EF0009 stays closed even with both credentials; key EFs are not readable (6981)", () => {
    const card = jpki()
    expect(toHex(readEf(card, 0x0008))).toBe("8F8F00")
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    expect(verifyKey(card, 0x001b, "ABC123")).toBe("9000")
    ok(card, selectEf(0x0009))
    expect(swOf(card, "00 B0 00 00 00")).toBe("6982")
    for (const fid of [0x0016, 0x0017, 0x0018, 0x001a, 0x001b]) {
      ok(card, selectEf(fid))
      expect(swOf(card, "00 B0 00 00 00")).toBe("6981")
    }
  })

  it("unknown EF → 6A82; EF select by path (P1 09) → 6A86", () => {
    const card = jpki()
    expect(swOf(card, selectEf(0x0003))).toBe("6A82")
    expect(swOf(card, selectEf(0x2f00))).toBe("6A82")
    expect(swOf(card, "00 A4 09 0C 02 00 0A")).toBe("6A86")
  })
})

describe("JPKI AP: PINs, counters, lockout", () => {
  it("the tries query 00 20 00 80 answers 63C3 / 63C5 and consumes nothing, even after a successful VERIFY", () => {
    const card = jpki()
    ok(card, selectEf(0x0018))
    for (let i = 0; i < 5; i++) expect(swOf(card, "00 20 00 80")).toBe("63C3")
    expect(swOf(card, verifyApdu("1234"))).toBe("9000")
    expect(swOf(card, "00 20 00 80")).toBe("63C3")
    ok(card, selectEf(0x001b))
    for (let i = 0; i < 5; i++) expect(swOf(card, "00 20 00 80")).toBe("63C5")
    expect(card.triesLeft("jpkiAuthPin")).toBe(3)
  })

  it("auth PIN to lockout: 63C2, 63C1, 63C0, then 6984 even for the right PIN; the query answers 63C0", () => {
    const card = jpki()
    ok(card, selectEf(0x0018))
    expect(swOf(card, verifyApdu("0000"))).toBe("63C2")
    expect(swOf(card, "00 20 00 80")).toBe("63C2")
    expect(swOf(card, verifyApdu("1111"))).toBe("63C1")
    expect(swOf(card, verifyApdu("2222"))).toBe("63C0")
    expect(swOf(card, verifyApdu("1234"))).toBe("6984")
    expect(swOf(card, "00 20 00 80")).toBe("63C0")
    // Signing stays refused.
    ok(card, selectEf(0x0017))
    expect(swOf(card, concat(hex("80 2A 00 80 33"), digestInfo(message), hex("00")))).toBe("6982")
    // Non-volatile: a power cycle does not unblock.
    card.powerOff()
    card.powerOn()
    ok(card, selectDf("jpki"))
    expect(verifyKey(card, 0x0018, "1234")).toBe("6984")
  })

  it("a successful VERIFY resets the counter; a wrong one clears that key's verification", () => {
    const card = jpki()
    ok(card, selectEf(0x0018))
    expect(swOf(card, verifyApdu("9999"))).toBe("63C2")
    expect(swOf(card, verifyApdu("1234"))).toBe("9000")
    expect(swOf(card, "00 20 00 80")).toBe("63C3")
    expect(card.inspect().verified).toEqual(["jpkiAuthPin"])
    expect(swOf(card, verifyApdu("9999"))).toBe("63C2")
    expect(card.inspect().verified).toEqual([])
  })

  it("starts at the last try when configured; the sign password is compared exactly (no upper-casing)", () => {
    const card = jpki({ triesLeft: { jpkiSignPassword: 1 } })
    ok(card, selectEf(0x001b))
    expect(swOf(card, "00 20 00 80")).toBe("63C1")
    expect(swOf(card, verifyApdu("abc123"))).toBe("63C0")
    expect(swOf(card, verifyApdu("ABC123"))).toBe("6984")
  })

  it("VERIFY by SFI (00 20 00 98) without selecting the key; unknown key → 6A88; P1 ≠ 00 → 6A86", () => {
    const card = jpki()
    expect(swOf(card, "00 20 00 98")).toBe("63C3")
    expect(swOf(card, concat(hex("00 20 00 98 04"), new TextEncoder().encode("1234")))).toBe("9000")
    expect(swOf(card, "00 20 00 9E")).toBe("6A88")
    expect(swOf(card, "00 20 01 80")).toBe("6A86")
    // On a data EF: 6981; with no current EF: 6986.
    ok(card, selectEf(0x000a))
    expect(swOf(card, "00 20 00 80")).toBe("6981")
    const fresh = jpki()
    expect(swOf(fresh, "00 20 00 80")).toBe("6986")
  })

  it("retry counters survive power cycles; verification does not", () => {
    const card = jpki()
    expect(verifyKey(card, 0x0018, "0000")).toBe("63C2")
    expect(verifyKey(card, 0x001b, "ABC123")).toBe("9000")
    card.powerOff()
    expect(() => card.transmit(hex(selectDf("jpki")))).toThrow(/powered off/)
    card.powerOn()
    expect(card.inspect().currentDf).toBe("mf")
    ok(card, selectDf("jpki"))
    expect(verifyKey(card, 0x0018)).toBe("63C2")
    ok(card, selectEf(0x0001))
    expect(swOf(card, "00 B0 00 00 04")).toBe("6982")
  })

  it("SELECT of another application (or the same one again) clears the verification", () => {
    const card = jpki()
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    ok(card, selectDf("kenhojo"))
    ok(card, selectDf("jpki"))
    expect(swOf(card, concat(hex("80 2A 00 97 33"), digestInfo(message), hex("00")))).toBe("6982")
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    ok(card, selectDf("jpki")) // OpenSC's logout
    expect(swOf(card, concat(hex("80 2A 00 97 33"), digestInfo(message), hex("00")))).toBe("6982")
    // A failed SELECT DF changes nothing.
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    expect(swOf(card, "00 A4 04 0C 05 A0 00 00 03 08")).toBe("6A82")
    expect(send(card, concat(hex("80 2A 00 97 33"), digestInfo(message), hex("00"))).data.length).toBe(256)
  })

  it("CHANGE REFERENCE DATA 00 24 01 80: 6982 before VERIFY, 6A80 for a bad format, then the new PIN works", () => {
    const card = jpki()
    ok(card, selectEf(0x0018))
    expect(swOf(card, "00 24 01 80 04 35 36 37 38")).toBe("6982")
    expect(swOf(card, verifyApdu("1234"))).toBe("9000")
    expect(swOf(card, "00 24 01 80 03 35 36 37")).toBe("6A80")
    expect(swOf(card, "00 24 00 80 04 35 36 37 38")).toBe("6A86")
    expect(swOf(card, "00 24 01 80 04 35 36 37 38")).toBe("9000")
    expect(card.pins.jpkiAuth).toBe("5678")
    card.powerOff()
    card.powerOn()
    ok(card, selectDf("jpki"))
    expect(verifyKey(card, 0x0018, "1234")).toBe("63C2")
    expect(verifyKey(card, 0x0018, "5678")).toBe("9000")
    // The sign password must stay [A-Z0-9]{6,16} with a letter and a digit.
    expect(verifyKey(card, 0x001b, "ABC123")).toBe("9000")
    expect(swOf(card, concat(hex("00 24 01 80 06"), new TextEncoder().encode("ABCDEF")))).toBe("6A80")
    expect(swOf(card, concat(hex("00 24 01 80 08"), new TextEncoder().encode("NEWPASS1")))).toBe("9000")
    expect(card.pins.jpkiSign).toBe("NEWPASS1")
  })
})

describe("JPKI AP: signing 80 2A", () => {
  const authSpki = spkiOf(Fixtures.myNumberJpkiAuthCertDer)
  const signSpki = spkiOf(Fixtures.myNumberJpkiSignCertDer)

  it("§8.4: VERIFY 0018, SELECT 0017, 80 2A 00 80 33 <DigestInfo> 00 → a signature WebCrypto verifies", async () => {
    const card = jpki()
    ok(card, selectEf(0x0018))
    ok(card, "00 20 00 80 04 31 32 33 34")
    ok(card, selectEf(0x0017))
    const signature = ok(card, concat(hex("80 2A 00 80 33"), digestInfo(message), hex("00")))
    expect(signature.length).toBe(256)
    const key = await importSpki(authSpki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" })
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, Uint8Array.from(signature), message)).toBe(true)
    // The card padded the DigestInfo as given: type 1, payload = DigestInfo.
    expect(toHex(pkcs1Payload(rsaOpen(rsaOfSpki(authSpki), signature))!)).toBe(toHex(digestInfo(message)))
  })

  it("without the PIN: 6982; P2 97 / 9A sign without SELECT; the sign key with the sign password", async () => {
    const card = jpki()
    expect(swOf(card, concat(hex("80 2A 00 97 33"), digestInfo(message), hex("00")))).toBe("6982")
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    expect(swOf(card, concat(hex("80 2A 00 9A 33"), digestInfo(message), hex("00")))).toBe("6982")
    expect(verifyKey(card, 0x001b, "ABC123")).toBe("9000")
    const signature = ok(card, concat(hex("80 2A 00 9A 33"), digestInfo(message), hex("00")))
    const key = await importSpki(signSpki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" })
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, Uint8Array.from(signature), message)).toBe(true)
  })

  it("P1 schemes 01–05 (MC): card-side hashing, DigestInfo wrapping and PSS", async () => {
    const card = jpki({ randoms: [new Uint8Array(32).fill(7)] })
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    const pkcs1 = await importSpki(authSpki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" })
    const pss = await importSpki(authSpki, { name: "RSA-PSS", hash: "SHA-256" })
    const rsa = rsaOfSpki(authSpki)
    const sign = (p1: number, data: Uint8Array) =>
      ok(card, concat(Uint8Array.of(0x80, 0x2a, p1, 0x97, data.length), data, hex("00")))
    // 01: SHA-256(data), bare hash in PKCS#1 v1.5.
    expect(toHex(pkcs1Payload(rsaOpen(rsa, sign(0x01, message)))!)).toBe(toHex(sha256(message)))
    // 02: a 32-byte hash, wrapped in a DigestInfo by the card.
    const s2 = sign(0x02, sha256(message))
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pkcs1, Uint8Array.from(s2), message)).toBe(true)
    // 03: the card hashes and wraps.
    const s3 = sign(0x03, message)
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pkcs1, Uint8Array.from(s3), message)).toBe(true)
    // 04 / 05: PSS (salt 32).
    const s4 = sign(0x04, sha256(message))
    expect(await crypto.subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pss, Uint8Array.from(s4), message)).toBe(
      true
    )
    const s5 = sign(0x05, message)
    expect(await crypto.subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pss, Uint8Array.from(s5), message)).toBe(
      true
    )
    expect(toHex(s4)).not.toBe(toHex(s5)) // scripted salt first, then the seeded stream
  })

  it("bad inputs: P1 06 → 6A86; 0 or 246 bytes for P1 00, 31 bytes for P1 02 → 6985 / 6700; Le < 256 → 6C00", () => {
    const card = jpki()
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    expect(swOf(card, concat(hex("80 2A 06 97 33"), digestInfo(message), hex("00")))).toBe("6A86")
    expect(swOf(card, "80 2A 00 97 00")).toBe("6700") // no data (case 2)
    expect(swOf(card, concat(hex("80 2A 00 97 F6"), new Uint8Array(246), hex("00")))).toBe("6985")
    expect(swOf(card, concat(hex("80 2A 00 97 F5"), new Uint8Array(245), hex("00")))).toBe("9000")
    expect(swOf(card, concat(hex("80 2A 02 97 1F"), new Uint8Array(31), hex("00")))).toBe("6985")
    expect(swOf(card, concat(hex("80 2A 00 97 33"), digestInfo(message), hex("80")))).toBe("6C00")
    // Keys that are not there: P2 00 has no default key in JPKI; SFI of a data EF; an EF that is not a key.
    expect(swOf(card, concat(hex("80 2A 00 00 33"), digestInfo(message), hex("00")))).toBe("6A88")
    expect(swOf(card, concat(hex("80 2A 00 8A 33"), digestInfo(message), hex("00")))).toBe("6A88")
    ok(card, selectEf(0x0018))
    expect(swOf(card, concat(hex("80 2A 00 80 33"), digestInfo(message), hex("00")))).toBe("6A88")
    // CLA 00 with the proprietary INS: 6D00.
    expect(swOf(card, concat(hex("00 2A 00 97 33"), digestInfo(message), hex("00")))).toBe("6D00")
  })
})

describe("JPKI AP: what other OpenSC drivers and applications send", () => {
  it("other applets' SELECTs → 6A82, unknown INS → 6D00, bad CLA → 6E00", () => {
    const card = MyNumberCard.make()
    for (const aid of ["A0 00 00 03 08", "D2 76 00 01 24 01", "A0 00 00 00 03 00 00 00", "E8 28 BD 08 0F"]) {
      const bytes = hex(aid)
      expect(swOf(card, concat(hex("00 A4 04 00"), Uint8Array.of(bytes.length), bytes, hex("00")))).toBe("6A82")
    }
    expect(swOf(card, "00 CB 3F FF 05 5C 03 5F C1 02 00")).toBe("6D00")
    expect(swOf(card, "00 87 00 9B 04 7C 02 81 00 00")).toBe("6D00")
    expect(swOf(card, "A0 A4 00 00 02 3F 00")).toBe("6E00")
    expect(swOf(card, "FF CA 00 00 00")).toBe("6E00")
  })

  it("a smartphone JPKI token: label, auth certificate behind the PIN (Android), no other applications", () => {
    const card = MyNumberCard.make({ token: "android" })
    ok(card, selectDf("jpki"))
    expect(new TextDecoder().decode(readEf(card, 0x0006).subarray(0, 32)).trimEnd()).toBe("JPKIAPGPSETOKEN")
    ok(card, selectEf(0x000a))
    expect(swOf(card, "00 B0 00 00 04")).toBe("6982")
    expect(verifyKey(card, 0x0018, "1234")).toBe("9000")
    expect(readEf(card, 0x000a).length).toBe(Fixtures.myNumberJpkiAuthCertDer.length)
    expect(swOf(card, selectDf("kenhojo"))).toBe("6A82")
    expect(swOf(card, "80 FC 00 00")).toBe("6700")
    const iphone = MyNumberCard.make({ token: "iphone" })
    expect(swOf(iphone, "80 FC 00 00")).toBe("9000")
  })
})
