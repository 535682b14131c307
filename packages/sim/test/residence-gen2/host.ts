// Host (terminal) side of the second-generation residence-card protocol, written in the tests from the reference
// (residence-card.md §6.2, §7–§9, §13) with the core's vector-tested primitives only: AES-128-CBC (IV 0),
// AES-CMAC/8, SHA-1. It deliberately does not use the reader in @jpcard/core nor the simulator's Engine.
import { concat, fromHex, toHex } from "@jpcard/core/Bytes"
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac, pad, sha1, unpad } from "@jpcard/core/crypto"
import { expect } from "vitest"
import type { SimulatedCard } from "../../src/SimulatedCard.js"
import { baseKey, hex, SPEC_K_IFD, SPEC_RND_IFD, send, swOf } from "../host.js"

export {
  AID,
  baseKey,
  hex,
  SELECT_MF,
  SPEC_K_IFD,
  SPEC_RND_IFD,
  selectDf,
  send,
  smReadExtended,
  smReadShort,
  split,
  swOf
} from "../host.js"
export { fromHex, toHex }

export const cmac8 = (key: Uint8Array, data: Uint8Array) => aesCmac(key, data).slice(0, 8)

/** GET CHALLENGE + MUTUAL AUTHENTICATE with AES; returns KSenc. Fails the test on any mismatch. */
export const authenticate = (
  card: SimulatedCard,
  cardNumber: string,
  rndIfd: Uint8Array = SPEC_RND_IFD,
  kIfd: Uint8Array = SPEC_K_IFD
): Uint8Array => {
  const key = baseKey(cardNumber)
  const challenge = send(card, "00 84 00 00 08")
  expect(challenge.swHex).toBe("9000")
  expect(challenge.data.length).toBe(8)
  const eIfd = aesCbcEncrypt(key, concat(rndIfd, challenge.data, kIfd))
  const answer = send(card, concat(hex("00 82 00 00 28"), eIfd, cmac8(key, eIfd), hex("00")))
  expect(answer.swHex).toBe("9000")
  expect(answer.data.length).toBe(40)
  const eIcc = answer.data.subarray(0, 32)
  expect(toHex(cmac8(key, eIcc))).toBe(toHex(answer.data.subarray(32, 40)))
  const plain = aesCbcDecrypt(key, eIcc)
  expect(toHex(plain.subarray(0, 8))).toBe(toHex(challenge.data))
  expect(toHex(plain.subarray(8, 16))).toBe(toHex(rndIfd))
  const kIcc = plain.subarray(16, 32)
  const x = new Uint8Array(16)
  for (let i = 0; i < 16; i++) x[i] = kIfd[i]! ^ kIcc[i]!
  return sha1(concat(x, hex("00000001"))).slice(0, 16)
}

/** VERIFY `08 20 00 86 13 86 11 01 ‖ AES-CBC(KSenc, number ‖ 80 00 00 00)`. */
export const verifyApdu = (sessionKey: Uint8Array, cardNumber: string): Uint8Array =>
  concat(hex("08 20 00 86 13 86 11 01"), aesCbcEncrypt(sessionKey, pad(new TextEncoder().encode(cardNumber), 16)))

/** Authenticates and verifies; returns KSenc. */
export const login = (card: SimulatedCard, cardNumber: string): Uint8Array => {
  const ks = authenticate(card, cardNumber)
  expect(swOf(card, verifyApdu(ks, cardNumber))).toBe("9000")
  return ks
}

/** Parses `86 L 01 ‖ cryptogram` (the whole data field), decrypts with AES and unpads (1–16 bytes). */
export const openSm = (sessionKey: Uint8Array, data: Uint8Array): Uint8Array => {
  expect(data[0]).toBe(0x86)
  let offset = 1
  let length = data[offset]!
  if (length === 0x81) {
    length = data[offset + 1]!
    offset += 2
  } else if (length === 0x82) {
    length = (data[offset + 1]! << 8) | data[offset + 2]!
    offset += 3
  } else {
    offset += 1
  }
  expect(offset + length).toBe(data.length)
  expect(data[offset]).toBe(0x01)
  expect((length - 1) % 16).toBe(0)
  const plain = aesCbcDecrypt(sessionKey, data.subarray(offset + 1))
  const unpadded = unpad(plain, 16)
  expect(unpadded).toBeDefined()
  const padding = plain.length - unpadded!.length
  expect(padding).toBeGreaterThanOrEqual(1)
  expect(padding).toBeLessThanOrEqual(16)
  return unpadded!
}

export const utf8 = (text: string) => new TextEncoder().encode(text)

/** `bytes` zero padded to `n`. */
export const padTo = (bytes: Uint8Array, n: number) => {
  const out = new Uint8Array(n)
  out.set(bytes)
  return out
}

/** Splits concatenated BER-TLVs (1–2 byte tags, 1–3 byte lengths), stopping at trailing `00` padding. */
export const parseTlvs = (bytes: Uint8Array): Array<{ tag: string; header: number; value: Uint8Array }> => {
  const out: Array<{ tag: string; header: number; value: Uint8Array }> = []
  let i = 0
  while (i < bytes.length && bytes[i] !== 0x00) {
    const start = i
    let tag = bytes[i++]!.toString(16).toUpperCase().padStart(2, "0")
    if ((bytes[start]! & 0x1f) === 0x1f) tag += bytes[i++]!.toString(16).toUpperCase().padStart(2, "0")
    let length = bytes[i++]!
    if (length === 0x81) length = bytes[i++]!
    else if (length === 0x82) {
      length = (bytes[i]! << 8) | bytes[i + 1]!
      i += 2
    }
    out.push({ tag, header: i - start, value: bytes.subarray(i, i + length) })
    i += length
  }
  return out
}
