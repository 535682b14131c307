// Host (terminal) side of the second-generation residence-card protocol, written in the tests from the reference
// (residence-card.md §6.2, §7–§9, §13) with the core's vector-tested primitives only: AES-128-CBC (IV 0),
// AES-CMAC/8, SHA-1. It deliberately does not use the reader in @jpcard/core nor the simulator's Engine.
import { fromHex, toHex } from "@jpcard/core/Bytes"
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac } from "@jpcard/core/crypto"
import { authenticateWith, type HostCipher, loginWith, openSmWith, verifyApduWith } from "../host.js"

export {
  AID,
  baseKey,
  hex,
  padTo,
  SELECT_MF,
  SPEC_K_IFD,
  SPEC_RND_IFD,
  selectDf,
  send,
  smReadExtended,
  smReadShort,
  split,
  swOf,
  transmit,
  utf8,
  withByte
} from "../host.js"
export { fromHex, toHex }

export const cmac8 = (key: Uint8Array, data: Uint8Array) => aesCmac(key, data).slice(0, 8)

/** Generation 2: AES-128-CBC, AES-CMAC truncated to 8 bytes. */
export const AES: HostCipher = { encrypt: aesCbcEncrypt, decrypt: aesCbcDecrypt, mac8: cmac8, block: 16 }

export const authenticate = authenticateWith(AES)
export const verifyApdu = verifyApduWith(AES)
export const login = loginWith(AES)
export const openSm = openSmWith(AES)

/** 第２世代在留カード等仕様書 別添2 (reference §13): the worked example's card values and APDUs. */
export const SPEC = {
  cardNumber: "AA12345678BB",
  kEnc: fromHex("65 22 B4 E1 71 19 5B B2 18 22 3A 97 6C 04 01 11"),
  rndIcc: fromHex("92 1C E2 77 32 3D A0 57"),
  kIcc: fromHex("2C C6 AF 9B 8B 60 7C 66 2F DC AD 27 B4 01 D0 8B"),
  eIfd: fromHex(`4A D3 C7 B6 BB 48 4A 52 77 19 77 DE D6 18 B4 1D
             F8 41 FA 04 76 A0 5F BE 04 1D EA D6 10 9E 77 3B`),
  mIfd: fromHex("AC 85 46 17 63 4F 53 97"),
  mutualAuthenticate: fromHex(`00 82 00 00 28 4A D3 C7 B6 BB 48 4A 52 77 19 77
    DE D6 18 B4 1D F8 41 FA 04 76 A0 5F BE 04 1D EA
    D6 10 9E 77 3B AC 85 46 17 63 4F 53 97 00`),
  eIcc: fromHex(`28 9A 96 B1 DA 6A E3 DA 87 77 04 19 BF D1 4F 0B
             DA D1 5F 36 43 2B 5A 94 6C 18 8C 72 21 75 9A 62`),
  mIcc: fromHex("FA 94 2E C5 1E 62 FF 5F"),
  ksEnc: fromHex("C1 9C F1 3D 3D 7F BE E9 EA 29 3D 83 4C 88 95 2F"),
  verify: fromHex(`08 20 00 86 13 86 11 01 EE 0B 31 EF 87 7F 68 D0
    71 C5 6D 58 C7 2E 67 48`),
  selectDf1: fromHex("00 A4 04 0C 10 D3 92 F0 00 4F 02 00 00 00 00 00 00 00 00 00 00"),
  readNameAndFace: fromHex("08 B0 84 00 00 00 04 96 02 00 00 00 00"),
  selectDf2: fromHex("00 A4 04 0C 10 D3 92 F0 00 4F 03 00 00 00 00 00 00 00 00 00 00"),
  selectDf3: fromHex("00 A4 04 0C 10 D3 92 F0 00 4F 04 00 00 00 00 00 00 00 00 00 00"),
  readSignature: fromHex("00 B0 82 00 00 00 00")
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
