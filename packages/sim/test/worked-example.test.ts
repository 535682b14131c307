// 在留カード等仕様書 Ver 1.5, 別添2 (pp. 36–39): the spec's read sequence, replayed byte for byte with raw APDUs.
import { tdesCbcDecrypt } from "@jpcard/core/crypto"
import { describe, expect, it } from "vitest"
import * as ResidenceGen1 from "../src/residence/Gen1Card.js"
import { hex, SPEC, send, toHex } from "./host.js"

const specCard = (options: ResidenceGen1.Options = {}) =>
  ResidenceGen1.make({ cardNumber: SPEC.cardNumber, randoms: [SPEC.rndIcc, SPEC.kIcc], ...options })

describe("別添2 worked example", () => {
  it("replays the key exchange, VERIFY and the reads byte for byte", () => {
    const card = specCard()

    // 1. GET CHALLENGE
    expect(toHex(card.transmit(hex("00 84 00 00 08")))).toBe("5A6E7E385162B7A39000")
    // 6. MUTUAL AUTHENTICATE
    expect(toHex(card.transmit(SPEC.mutualAuthenticate))).toBe(toHex(SPEC.mutualAuthenticateResponse))
    // 10. KSenc
    expect(toHex(card.inspect().sessionKey!)).toBe(toHex(SPEC.ksEnc))
    // 13. VERIFY (SM)
    expect(toHex(card.transmit(SPEC.verify))).toBe("9000")
    // 14. SELECT DF1
    expect(toHex(card.transmit(SPEC.selectDf1))).toBe("9000")

    // 15–16. READ BINARY (SM), front image: 86 82 1B 61 01 ‖ 7008 bytes, 90 00
    const front = card.transmit(SPEC.readFront)
    expect(front.length).toBe(5 + 7008 + 2)
    expect(toHex(front.subarray(0, 5))).toBe("86821B6101")
    expect(toHex(front.subarray(front.length - 2))).toBe("9000")
    const frontPlain = tdesCbcDecrypt(SPEC.ksEnc, front.subarray(5, 5 + 7008))
    expect(toHex(frontPlain.subarray(0, 4))).toBe("D0821B58")
    expect(toHex(frontPlain.subarray(7004))).toBe("80000000")
    expect(toHex(frontPlain.subarray(0, 7004))).toBe(toHex(card.files.df1.ef01))

    // 17–18. READ BINARY (SM), face: 86 82 0B C1 01 ‖ 3008 bytes, 90 00
    const face = card.transmit(SPEC.readFace)
    expect(face.length).toBe(5 + 3008 + 2)
    expect(toHex(face.subarray(0, 5))).toBe("86820BC101")
    const facePlain = tdesCbcDecrypt(SPEC.ksEnc, face.subarray(5, 5 + 3008))
    expect(toHex(facePlain.subarray(0, 4))).toBe("D1820BB8")
    expect(toHex(facePlain.subarray(3004))).toBe("80000000")
    expect(toHex(facePlain.subarray(0, 3004))).toBe(toHex(card.files.df1.ef02))

    // 19–20. SELECT DF3, READ BINARY (plain): DA 82 01 00 [256] DB 82 04 B0 [1200] 90 00
    expect(toHex(card.transmit(SPEC.selectDf3))).toBe("9000")
    const signature = send(card, SPEC.readSignature)
    expect(signature.swHex).toBe("9000")
    expect(signature.data.length).toBe(1464)
    expect(toHex(signature.data.subarray(0, 4))).toBe("DA820100")
    expect(toHex(signature.data.subarray(260, 264))).toBe("DB8204B0")
    expect(toHex(signature.data.subarray(4, 260))).toBe(toHex(card.checkCode!))
  })

  it("gives the derived DF2/EF04 vector of reference §14.2 under KSenc CE94…15CC", () => {
    const card = specCard({ renewalApplication: true })
    card.transmit(hex("00 84 00 00 08"))
    card.transmit(SPEC.mutualAuthenticate)
    expect(toHex(card.transmit(SPEC.verify))).toBe("9000")
    expect(toHex(card.transmit(hex("00 A4 04 0C 10 D3 92 F0 00 4F 03 00 00 00 00 00 00 00 00 00 00")))).toBe("9000")
    expect(toHex(card.transmit(hex("08 B0 84 00 00 00 04 96 02 00 00 00 00")))).toBe("860901BFF596EBB0C3E4279000")
    // The same object through the short SM form.
    expect(toHex(card.transmit(hex("08 B0 84 00 04 96 02 00 00 00")))).toBe("860901BFF596EBB0C3E4279000")
    expect(toHex(ResidenceGen1.smObject(SPEC.ksEnc, hex("D7 01 31")))).toBe("860901BFF596EBB0C3E427")
  })

  it("derives KSenc as 別添1 Step 5 says", () => {
    expect(
      toHex(ResidenceGen1.deriveSessionKey(hex("40 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F"), SPEC.kIcc))
    ).toBe(toHex(SPEC.ksEnc))
  })
})
