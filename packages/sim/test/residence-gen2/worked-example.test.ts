// 第２世代在留カード等仕様書 別添2 (reference residence-card.md §13) replayed byte for byte with raw APDUs, the
// derived vector of §14.2, and the first-generation handshake that a second-generation card refuses (§1).
import { concat } from "@jpcard/core/Bytes"
import { aesCbcDecrypt, aesCbcEncrypt, retailMac, tdesCbcEncrypt } from "@jpcard/core/crypto"
import { describe, expect, it } from "vitest"
import * as ResidenceGen2 from "../../src/residence/Gen2Card.js"
import { SPEC as SPEC1 } from "../host.js"
import { baseKey, cmac8, hex, SPEC, SPEC_K_IFD, SPEC_RND_IFD, send, toHex } from "./host.js"

const specCard = (options: ResidenceGen2.Options = {}) =>
  ResidenceGen2.make({ cardNumber: SPEC.cardNumber, randoms: [SPEC.rndIcc, SPEC.kIcc], ...options })

describe("SPEC2 別添2 worked example (reference §13)", () => {
  it("the example's host values are self-consistent (Kenc, E_IFD, M_IFD)", () => {
    expect(toHex(baseKey(SPEC.cardNumber))).toBe(toHex(SPEC.kEnc))
    expect(toHex(aesCbcEncrypt(SPEC.kEnc, concat(SPEC_RND_IFD, SPEC.rndIcc, SPEC_K_IFD)))).toBe(toHex(SPEC.eIfd))
    expect(toHex(cmac8(SPEC.kEnc, SPEC.eIfd))).toBe(toHex(SPEC.mIfd))
  })

  it("replays GET CHALLENGE, MUTUAL AUTHENTICATE, VERIFY and the reads byte for byte", () => {
    const card = specCard()
    // GET CHALLENGE
    expect(toHex(card.transmit(hex("00 84 00 00 08")))).toBe("921CE277323DA0579000")
    // MUTUAL AUTHENTICATE: E_ICC ‖ M_ICC ‖ 90 00
    expect(toHex(card.transmit(SPEC.mutualAuthenticate))).toBe(`${toHex(SPEC.eIcc)}${toHex(SPEC.mIcc)}9000`)
    expect(toHex(aesCbcDecrypt(SPEC.kEnc, SPEC.eIcc))).toBe(
      "921CE277323DA05711223344556677882CC6AF9B8B607C662FDCAD27B401D08B"
    )
    expect(toHex(card.inspect().sessionKey!)).toBe(toHex(SPEC.ksEnc))
    // VERIFY (SM)
    expect(toHex(card.transmit(SPEC.verify))).toBe("9000")
    expect(card.inspect().verified).toBe(true)

    // SELECT DF1, READ DF1/EF03 (SM): 86 82 15 91 01 ‖ 5520 bytes ‖ 90 00
    expect(toHex(card.transmit(SPEC.selectDf1))).toBe("9000")
    const images = card.transmit(SPEC.readNameAndFace)
    expect(images.length).toBe(5 + 5520 + 2)
    expect(toHex(images.subarray(0, 5))).toBe("8682159101")
    expect(toHex(images.subarray(images.length - 2))).toBe("9000")
    const plain = aesCbcDecrypt(SPEC.ksEnc, images.subarray(5, 5 + 5520))
    expect(toHex(plain.subarray(0, 4))).toBe("D08209C4")
    expect(toHex(plain.subarray(2504, 2508))).toBe("D1820BB8")
    expect(toHex(plain.subarray(5508))).toBe(`80${"00".repeat(11)}`) // 12 bytes of padding
    expect(toHex(plain.subarray(0, 5508))).toBe(toHex(card.files.df1.ef03))

    // SELECT DF3, READ DF3/EF01 (plain): DC 60 [96] DD 82 02 56 [598] 00 00 00 00 ‖ 90 00
    expect(toHex(card.transmit(SPEC.selectDf3))).toBe("9000")
    const signature = send(card, SPEC.readSignature)
    expect(signature.swHex).toBe("9000")
    expect(signature.data.length).toBe(704)
    expect(toHex(signature.data.subarray(0, 2))).toBe("DC60")
    expect(toHex(signature.data.subarray(2, 98))).toBe(toHex(card.signature))
    expect(toHex(signature.data.subarray(98, 102))).toBe("DD820256")
    expect(toHex(signature.data.subarray(700))).toBe("00000000")
  })

  it("a 599-byte certificate leaves 3 bytes of padding", () => {
    const certificate = new Uint8Array(599).fill(0x30)
    const file = specCard({ certificate }).files.df3.ef01
    expect(toHex(file.subarray(98, 102))).toBe("DD820257")
    expect(toHex(file.subarray(701))).toBe("000000")
  })

  it("gives the derived vector of reference §14.2: D8 01 31 under KSenc C19C…952F", () => {
    const card = specCard({ renewalApplication: true })
    card.transmit(hex("00 84 00 00 08"))
    card.transmit(SPEC.mutualAuthenticate)
    expect(toHex(card.transmit(SPEC.verify))).toBe("9000")
    expect(toHex(card.transmit(SPEC.selectDf2))).toBe("9000")
    expect(toHex(card.transmit(hex("08 B0 82 00 00 00 04 96 02 00 00 00 00")))).toBe(
      "861101F4225286EBCE2950CC0CB3CB2CDC7F029000"
    )
  })
})

describe("first-generation crypto against a second-generation card (reference §1 rule 2)", () => {
  it("a TDES / Retail MAC MUTUAL AUTHENTICATE gets 63 00, and the card is not authenticated", () => {
    const card = specCard()
    const rndIcc = send(card, "00 84 00 00 08").data
    const eIfd = tdesCbcEncrypt(SPEC.kEnc, concat(SPEC_RND_IFD, rndIcc, SPEC_K_IFD))
    const response = send(card, concat(hex("00 82 00 00 28"), eIfd, retailMac(SPEC.kEnc, eIfd), hex("00")))
    expect(response.swHex).toBe("6300")
    expect(response.data.length).toBe(0)
    expect(card.inspect().sessionKey).toBeUndefined()
    // The challenge is used up: a retry without GET CHALLENGE is 69 85.
    expect(send(card, SPEC.mutualAuthenticate).swHex).toBe("6985")
    // VERIFY has no session key.
    expect(send(card, SPEC.verify).swHex).toBe("6982")
  })

  it("the gen-1 worked example's MUTUAL AUTHENTICATE (TDES) after a gen-1 challenge is refused too", () => {
    const card = ResidenceGen2.make({ cardNumber: SPEC1.cardNumber, randoms: [SPEC1.rndIcc] })
    expect(toHex(card.transmit(hex("00 84 00 00 08")))).toBe("5A6E7E385162B7A39000")
    expect(toHex(card.transmit(SPEC1.mutualAuthenticate))).toBe("6300")
  })
})
