// Host (terminal) side of the residence-card protocol, written in the tests from 在留カード等仕様書 Ver 1.5 別添1
// with the core's vector-tested primitives only. It deliberately does not use the reader in @jpcard/core.
import { concat, fromHex, toHex } from "@jpcard/core/Bytes"
import { pad, retailMac, sha1, tdesCbcDecrypt, tdesCbcEncrypt, unpad } from "@jpcard/core/crypto"
import { CardTransport } from "@jpcard/core/transport/CardTransport"
import { Effect } from "effect"
import { expect } from "vitest"
import type { SimulatedCard } from "../src/SimulatedCard.js"

export const hex = fromHex
export { toHex }

export const utf8 = (text: string) => new TextEncoder().encode(text)

/** `bytes` zero padded to `n`. */
export const padTo = (bytes: Uint8Array, n: number) => {
  const out = new Uint8Array(n)
  out.set(bytes)
  return out
}

/** A copy of `bytes` with the byte at `index` replaced: a corrupted command. */
export const withByte = (bytes: Uint8Array, index: number, value: number): Uint8Array => {
  const out = bytes.slice()
  out[index] = value
  return out
}

export interface Response {
  readonly data: Uint8Array
  readonly sw: number
  readonly swHex: string
}

export const split = (response: Uint8Array): Response => {
  const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!
  return { data: response.subarray(0, response.length - 2), sw, swHex: sw.toString(16).toUpperCase().padStart(4, "0") }
}

/** Sends hex or bytes and splits the answer. */
export const send = (card: SimulatedCard, command: string | Uint8Array): Response =>
  split(card.transmit(typeof command === "string" ? fromHex(command) : command))

/** Sends and returns the status word as 4 hex digits. */
export const swOf = (card: SimulatedCard, command: string | Uint8Array): string => send(card, command).swHex

/** Sends hex or bytes through the `CardTransport` in context and splits the answer. */
export const transmit = (command: string | Uint8Array) =>
  CardTransport.use((t) => t.transmit(typeof command === "string" ? fromHex(command) : command)).pipe(Effect.map(split))

export const AID = {
  DF1: "D392F0004F0200000000000000000000",
  DF2: "D392F0004F0300000000000000000000",
  DF3: "D392F0004F0400000000000000000000"
} as const

export const selectDf = (df: keyof typeof AID) => `00 A4 04 0C 10 ${AID[df]}`
export const SELECT_MF = "00 A4 00 00 02 3F 00"

/** Kenc = Kmac = SHA-1(card number)[0..16]. */
export const baseKey = (cardNumber: string) => sha1(new TextEncoder().encode(cardNumber)).slice(0, 16)

export const SPEC_RND_IFD = hex("11 22 33 44 55 66 77 88")
export const SPEC_K_IFD = hex("40 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F")

/** 在留カード等仕様書 Ver 1.5, 別添2 (pp. 36–39): the worked example's card values and APDUs. */
export const SPEC = {
  cardNumber: "AA12345678BB",
  rndIcc: hex("5A 6E 7E 38 51 62 B7 A3"),
  kIcc: hex("19 D0 49 49 0F FF 52 EE DB FC B9 30 BC 81 0E D0"),
  mutualAuthenticate: hex(`00 82 00 00 28 93 77 45 C2 08 83 A1 BA D1 E0 41
    93 72 2A 15 92 37 8F 81 A8 F1 DC 58 91 57 AE B0
    F7 54 4F A1 BA 1A D7 FB 6A 33 89 E0 17 00`),
  mutualAuthenticateResponse: hex(`58 60 77 5B 4D 03 2C C5 64 BA 20 4B 8E A8 68 F6
    94 A7 4E 74 75 A8 FE F2 40 58 8B DA 1A F4 96 CE
    59 38 8F D6 CD 45 24 8B 90 00`),
  verify: hex(`08 20 00 86 13 86 11 01 1A A8 29 73 DB 95 9A 81
    1F 97 11 D7 28 F0 EE F6`),
  selectDf1: hex("00 A4 04 0C 10 D3 92 F0 00 4F 02 00 00 00 00 00 00 00 00 00 00"),
  readFront: hex("08 B0 85 00 00 00 04 96 02 00 00 00 00"),
  readFace: hex("08 B0 86 00 00 00 04 96 02 00 00 00 00"),
  selectDf3: hex("00 A4 04 0C 10 D3 92 F0 00 4F 04 00 00 00 00 00 00 00 00 00 00"),
  readSignature: hex("00 B0 82 00 00 00 00"),
  ksEnc: hex("CE 94 93 8E 19 E3 B9 7D F9 6E AB CE DC 17 15 CC")
}

/**
 * The block cipher of a generation, as the terminal uses it: CBC with IV 0, the 8-byte MAC of the authentication
 * cryptograms, and the block length (padding of VERIFY and SM data).
 */
export interface HostCipher {
  readonly encrypt: (key: Uint8Array, data: Uint8Array) => Uint8Array
  readonly decrypt: (key: Uint8Array, data: Uint8Array) => Uint8Array
  readonly mac8: (key: Uint8Array, data: Uint8Array) => Uint8Array
  readonly block: 8 | 16
}

/** Generation 1: 2-key 3DES-CBC, ISO 9797-1 retail MAC (別添1). */
export const TDES: HostCipher = { encrypt: tdesCbcEncrypt, decrypt: tdesCbcDecrypt, mac8: retailMac, block: 8 }

/**
 * GET CHALLENGE + MUTUAL AUTHENTICATE as the terminal does it; returns KSenc. Fails the test on any mismatch. The
 * flow and the key derivation are the same for both generations; only the cipher differs.
 */
export const authenticateWith =
  (cipher: HostCipher) =>
  (
    card: SimulatedCard,
    cardNumber: string,
    rndIfd: Uint8Array = SPEC_RND_IFD,
    kIfd: Uint8Array = SPEC_K_IFD
  ): Uint8Array => {
    const key = baseKey(cardNumber)
    const challenge = send(card, "00 84 00 00 08")
    expect(challenge.swHex).toBe("9000")
    expect(challenge.data.length).toBe(8)
    const eIfd = cipher.encrypt(key, concat(rndIfd, challenge.data, kIfd))
    const answer = send(card, concat(hex("00 82 00 00 28"), eIfd, cipher.mac8(key, eIfd), hex("00")))
    expect(answer.swHex).toBe("9000")
    expect(answer.data.length).toBe(40)
    const eIcc = answer.data.subarray(0, 32)
    expect(toHex(cipher.mac8(key, eIcc))).toBe(toHex(answer.data.subarray(32, 40)))
    const plain = cipher.decrypt(key, eIcc)
    expect(toHex(plain.subarray(0, 8))).toBe(toHex(challenge.data))
    expect(toHex(plain.subarray(8, 16))).toBe(toHex(rndIfd))
    const kIcc = plain.subarray(16, 32)
    const x = new Uint8Array(16)
    for (let i = 0; i < 16; i++) x[i] = kIfd[i]! ^ kIcc[i]!
    return sha1(concat(x, hex("00000001"))).slice(0, 16)
  }

/** VERIFY `08 20 00 86 13 86 11 01 ‖ e[KSenc](number ‖ padding)` (the padding fills the cipher's block). */
export const verifyApduWith =
  (cipher: HostCipher) =>
  (sessionKey: Uint8Array, cardNumber: string): Uint8Array =>
    concat(
      hex("08 20 00 86 13 86 11 01"),
      cipher.encrypt(sessionKey, pad(new TextEncoder().encode(cardNumber), cipher.block))
    )

/** Authenticates and verifies; returns KSenc. */
export const loginWith = (cipher: HostCipher) => {
  const auth = authenticateWith(cipher)
  const verify = verifyApduWith(cipher)
  return (card: SimulatedCard, cardNumber: string): Uint8Array => {
    const ks = auth(card, cardNumber)
    expect(swOf(card, verify(ks, cardNumber))).toBe("9000")
    return ks
  }
}

/**
 * Parses `86 L 01 ‖ cryptogram` (the whole data field), decrypts and unpads; the padding must be 1 to a block of
 * bytes and the cryptogram whole blocks.
 */
export const openSmWith =
  (cipher: HostCipher) =>
  (sessionKey: Uint8Array, data: Uint8Array): Uint8Array => {
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
    expect((length - 1) % cipher.block).toBe(0)
    const plain = cipher.decrypt(sessionKey, data.subarray(offset + 1))
    const unpadded = unpad(plain, cipher.block)
    expect(unpadded).toBeDefined()
    const padding = plain.length - unpadded!.length
    expect(padding).toBeGreaterThanOrEqual(1)
    expect(padding).toBeLessThanOrEqual(cipher.block)
    return unpadded!
  }

export const authenticate = authenticateWith(TDES)
export const verifyApdu = verifyApduWith(TDES)
export const login = loginWith(TDES)
export const openSm = openSmWith(TDES)

/** SM READ BINARY, extended form `08 B0 P1 P2 00 00 04 96 02 XX XX 00 00`. */
export const smReadExtended = (p1: number, p2: number, length = 0): Uint8Array =>
  Uint8Array.of(0x08, 0xb0, p1, p2, 0x00, 0x00, 0x04, 0x96, 0x02, length >> 8, length & 0xff, 0x00, 0x00)

/** SM READ BINARY, short form `08 B0 P1 P2 04 96 02 XX XX Le`. */
export const smReadShort = (p1: number, p2: number, length = 0, le = 0): Uint8Array =>
  Uint8Array.of(0x08, 0xb0, p1, p2, 0x04, 0x96, 0x02, length >> 8, length & 0xff, le)
