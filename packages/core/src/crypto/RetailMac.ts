/**
 * Retail MAC: ISO/IEC 9797-1 MAC algorithm 3 with padding method 2, DES with a 16-byte key K1‖K2. Single-DES CBC
 * with K1 over all blocks, then DES⁻¹ with K2 and DES with K1 on the last block. The residence card uses it for
 * M_IFD and M_ICC (在留カード等仕様書 Ver 1.5, 別添1 表1, p. 34). Checked against the ICAO 9303-11 worked example.
 *
 * @since 0.1.0
 */
import { desCbcEncrypt, desEcbDecrypt, desEcbEncrypt } from "./Des.js"
import { pad } from "./Padding.js"

export const retailMac = (key16: Uint8Array, data: Uint8Array): Uint8Array => {
  if (key16.length !== 16) throw new RangeError(`Retail MAC: key must be 16 bytes, got ${key16.length}`)
  const k1 = key16.subarray(0, 8)
  const k2 = key16.subarray(8, 16)
  const cbc = desCbcEncrypt(k1, pad(data, 8))
  const last = cbc.subarray(cbc.length - 8)
  return desEcbEncrypt(k1, desEcbDecrypt(k2, last))
}
