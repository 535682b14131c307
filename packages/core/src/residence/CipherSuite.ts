/**
 * The two cipher suites of residence card authentication and secure messaging. The protocol is the same for both
 * generations; only the block cipher and the MAC differ.
 *
 * - Generation 1: two-key TDES-CBC with IV 0 and the Retail MAC (在留カード等仕様書 Ver 1.5, 別添1 表1, p. 34).
 * - Generation 2: AES-128-CBC with IV 0 and AES-CMAC truncated to 8 bytes (second-generation spec 別添1, as summarised
 *   in shared/reference/residence-card.md §6.2; its worked example §13 pins it).
 *
 * @since 0.1.0
 */
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesCmac,
  retailMac,
  sha1,
  tdesCbcDecrypt,
  tdesCbcEncrypt
} from "../crypto/index.js"

export interface CipherSuite {
  readonly name: "TDES" | "AES"
  readonly blockSize: number
  readonly encrypt: (key: Uint8Array, data: Uint8Array) => Uint8Array
  readonly decrypt: (key: Uint8Array, data: Uint8Array) => Uint8Array
  /** The 8-byte MAC of the authentication cryptograms. */
  readonly mac: (key: Uint8Array, data: Uint8Array) => Uint8Array
}

export const tdes: CipherSuite = {
  name: "TDES",
  blockSize: 8,
  encrypt: (key, data) => tdesCbcEncrypt(key, data),
  decrypt: (key, data) => tdesCbcDecrypt(key, data),
  mac: retailMac
}

export const aes: CipherSuite = {
  name: "AES",
  blockSize: 16,
  encrypt: (key, data) => aesCbcEncrypt(key, data),
  decrypt: (key, data) => aesCbcDecrypt(key, data),
  mac: (key, data) => aesCmac(key, data).subarray(0, 8)
}

/**
 * Kenc = Kmac = SHA-1(card number, 12 ASCII bytes)[0..16] (別添1, p. 34). No counter and no parity adjustment:
 * this is not the ICAO BAC key derivation.
 */
export const deriveAccessKey = (cardNumber: Uint8Array): Uint8Array => sha1(cardNumber).slice(0, 16)

/** KSenc = SHA-1((K.IFD ⊕ K.ICC) ‖ 00 00 00 01)[0..16] (別添1 Step 5, p. 35). There is no KSmac. */
export const deriveSessionKey = (kIfd: Uint8Array, kIcc: Uint8Array): Uint8Array => {
  const input = new Uint8Array(20)
  for (let i = 0; i < 16; i++) input[i] = kIfd[i]! ^ kIcc[i]!
  input[19] = 0x01
  return sha1(input).slice(0, 16)
}
