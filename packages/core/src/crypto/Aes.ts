/**
 * AES-128-CBC without padding and AES-CMAC (RFC 4493), from @noble/ciphers (audited, dependency-free, runs in
 * browsers). The second-generation residence card uses AES-128-CBC with a zero IV and AES-CMAC truncated to 8 bytes.
 *
 * @since 0.1.0
 */
import { cbc, cmac, ecb } from "@noble/ciphers/aes.js"

const ZERO_IV = new Uint8Array(16)

const checkBlocks = (data: Uint8Array, what: string) => {
  if (data.length % 16 !== 0) throw new RangeError(`${what}: ${data.length} bytes is not a multiple of 16`)
}

export const aesCbcEncrypt = (key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array => {
  checkBlocks(data, "AES-CBC")
  return cbc(key, iv, { disablePadding: true }).encrypt(data)
}

export const aesCbcDecrypt = (key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array => {
  checkBlocks(data, "AES-CBC")
  return cbc(key, iv, { disablePadding: true }).decrypt(data)
}

export const aesEcbEncrypt = (key: Uint8Array, data: Uint8Array): Uint8Array => {
  checkBlocks(data, "AES-ECB")
  return ecb(key, { disablePadding: true }).encrypt(data)
}

/** AES-CMAC over `data`, the full 16-byte tag. */
export const aesCmac = (key: Uint8Array, data: Uint8Array): Uint8Array => cmac(data, key)
