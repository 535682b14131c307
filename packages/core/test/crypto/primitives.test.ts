// Every primitive against published vectors, so that a bug shared by the reader and the simulator cannot hide.
import { describe, expect, it } from "vitest"
import { fromHex, toHex } from "../../src/Bytes.js"
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesCmac,
  aesEcbEncrypt,
  desCbcEncrypt,
  desEcbDecrypt,
  desEcbEncrypt,
  pad,
  retailMac,
  sha1,
  sha256,
  sha384,
  tdesCbcDecrypt,
  tdesCbcEncrypt,
  unpad
} from "../../src/crypto/index.js"

const ascii = (s: string) => new TextEncoder().encode(s)

describe("DES (FIPS 81, NIST SP 800-17)", () => {
  it("encrypts the FIPS 81 ECB example", () => {
    // FIPS 81 Appendix B, Table B1: key 0123456789ABCDEF, "Now is t"
    expect(toHex(desEcbEncrypt(fromHex("0123456789ABCDEF"), ascii("Now is t")))).toBe("3FA40E8A984D4815")
  })
  it("encrypts the FIPS 81 CBC example", () => {
    // FIPS 81 Appendix C, Table C1: IV 1234567890ABCDEF, "Now is the time for all "
    const ct = desCbcEncrypt(
      fromHex("0123456789ABCDEF"),
      ascii("Now is the time for all "),
      fromHex("1234567890ABCDEF")
    )
    expect(toHex(ct)).toBe("E5C7CDDE872BF27C43E934008C389C0F683788499A7C05F6")
  })
  it("decrypts what it encrypts (NIST SP 800-17 variable plaintext, round 1)", () => {
    // SP 800-17 Table A.1: key 0101010101010101, plaintext 8000000000000000 -> 95F8A5E5DD31D900
    const key = fromHex("0101010101010101")
    expect(toHex(desEcbEncrypt(key, fromHex("8000000000000000")))).toBe("95F8A5E5DD31D900")
    expect(toHex(desEcbDecrypt(key, fromHex("95F8A5E5DD31D900")))).toBe("8000000000000000")
  })
  it("rejects a partial block and a wrong key size", () => {
    expect(() => desEcbEncrypt(fromHex("0123456789ABCDEF"), new Uint8Array(7))).toThrow(RangeError)
    expect(() => tdesCbcEncrypt(new Uint8Array(8), new Uint8Array(8))).toThrow(RangeError)
  })
})

describe("two-key TDES-CBC and the Retail MAC (ICAO Doc 9303-11, BAC worked example)", () => {
  const kEnc = fromHex("AB94FDECF2674FDFB9B391F85D7F76F2")
  const kMac = fromHex("7962D9ECE03D1ACD4C76089DCE131543")
  const s = fromHex("781723860C06C226 4608F91988702212 0B795240CB7049B01C19B33E32804F0B")
  const eIfd = "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"

  it("E_IFD = TDES-CBC(Kenc, S)", () => {
    expect(toHex(tdesCbcEncrypt(kEnc, s))).toBe(eIfd)
    expect(toHex(tdesCbcDecrypt(kEnc, fromHex(eIfd)))).toBe(toHex(s))
  })
  it("M_IFD = RetailMAC(Kmac, E_IFD)", () => {
    expect(toHex(retailMac(kMac, fromHex(eIfd)))).toBe("5F1448EEA8AD90A7")
  })
  it("checks the card's answer: M_IC over E_IC", () => {
    const response = fromHex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F 2F2D235D074D7449")
    expect(toHex(retailMac(kMac, response.subarray(0, 32)))).toBe("2F2D235D074D7449")
    expect(toHex(tdesCbcDecrypt(kEnc, response.subarray(0, 32)))).toBe(
      "4608F91988702212781723860C06C2260B4F80323EB3191CB04970CB4052790B"
    )
  })
})

describe("SHA-1, SHA-256 and SHA-384 (FIPS 180-4 examples)", () => {
  it("hashes 'abc'", () => {
    expect(toHex(sha1(ascii("abc")))).toBe("A9993E364706816ABA3E25717850C26C9CD0D89D")
    expect(toHex(sha256(ascii("abc")))).toBe("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
    expect(toHex(sha384(ascii("abc")))).toBe(
      "CB00753F45A35E8BB5A03D699AC65007272C32AB0EDED1631A8B605A43FF5BED8086072BA1E7CC2358BAECA134C825A7"
    )
  })
  it("hashes the two-block message", () => {
    const msg = ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
    expect(toHex(sha1(msg))).toBe("84983E441C3BD26EBAAE4AA1F95129E5E54670F1")
    expect(toHex(sha256(msg))).toBe("248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1")
  })
  it("derives the ICAO BAC seed: SHA-1(MRZ information)[0..15]", () => {
    expect(toHex(sha1(ascii("L898902C<369080619406236")).subarray(0, 16))).toBe("239AB9CB282DAF66231DC5A4DF6BFBAE")
  })
})

describe("AES-128 (NIST SP 800-38A) and AES-CMAC (RFC 4493)", () => {
  const key = fromHex("2B7E151628AED2A6ABF7158809CF4F3C")
  it("ECB-AES128 F.1.1", () => {
    const pt = fromHex("6BC1BEE22E409F96E93D7E117393172A AE2D8A571E03AC9C9EB76FAC45AF8E51")
    expect(toHex(aesEcbEncrypt(key, pt))).toBe("3AD77BB40D7A3660A89ECAF32466EF97F5D3D58503B9699DE785895A96FDBAAF")
  })
  it("CBC-AES128 F.2.1 / F.2.2", () => {
    const iv = fromHex("000102030405060708090A0B0C0D0E0F")
    const pt = fromHex("6BC1BEE22E409F96E93D7E117393172A AE2D8A571E03AC9C9EB76FAC45AF8E51")
    const ct = "7649ABAC8119B246CEE98E9B12E9197D5086CB9B507219EE95DB113A917678B2"
    expect(toHex(aesCbcEncrypt(key, pt, iv))).toBe(ct)
    expect(toHex(aesCbcDecrypt(key, fromHex(ct), iv))).toBe(toHex(pt))
  })
  const message = fromHex(
    "6BC1BEE22E409F96E93D7E117393172A AE2D8A571E03AC9C9EB76FAC45AF8E51 30C81C46A35CE411E5FBC1191A0A52EF F69F2445DF4F9B17AD2B417BE66C3710"
  )
  it.each([
    [0, "BB1D6929E95937287FA37D129B756746"],
    [16, "070A16B46B4D4144F79BDD9DD04A287C"],
    [40, "DFA66747DE9AE63030CA32611497C827"],
    [64, "51F0BEBF7E3B9D92FC49741779363CFE"]
  ])("RFC 4493 example with %i bytes", (length, tag) => {
    expect(toHex(aesCmac(key, message.subarray(0, length)))).toBe(tag)
  })
})

describe("ISO/IEC 7816-4 padding", () => {
  it("pads with 80 00.. and always adds at least one byte", () => {
    expect(toHex(pad(fromHex("D70131"), 8))).toBe("D701318000000000")
    expect(toHex(pad(new Uint8Array(8), 8))).toBe("00000000000000008000000000000000")
    expect(toHex(pad(fromHex("4141313233343536373842 42"), 8))).toBe("41413132333435363738424280000000")
  })
  it("unpads, and refuses malformed padding", () => {
    expect(toHex(unpad(fromHex("D701318000000000"), 8)!)).toBe("D70131")
    expect(unpad(fromHex("D701310000000000"), 8)).toBeUndefined() // no 80 marker
    expect(unpad(fromHex("D701318000000100"), 8)).toBeUndefined() // non-zero after 80
    expect(unpad(fromHex("80000000000000000000000000000000"), 8)).toBeUndefined() // more than one block of padding
    expect(unpad(fromHex("D7013180"), 8)).toBeUndefined() // not whole blocks
    expect(toHex(unpad(fromHex("0000000000000000 8000000000000000"), 8)!)).toBe("0000000000000000")
  })
})
