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

/** Generation 2: AES-128-CBC, AES-CMAC truncated to 8 bytes. */
export const AES: HostCipher = { encrypt: aesCbcEncrypt, decrypt: aesCbcDecrypt, mac8: cmac8, block: 16 }

export const authenticate = authenticateWith(AES)
export const verifyApdu = verifyApduWith(AES)
export const login = loginWith(AES)
export const openSm = openSmWith(AES)

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
