/**
 * Cryptographic primitives, each tested against published vectors. Protocol code (key derivation, secure messaging)
 * lives with the card applications; the simulator may use these primitives but never the protocol code.
 *
 * @since 0.1.0
 */
export { aesCbcDecrypt, aesCbcEncrypt, aesCmac, aesEcbEncrypt } from "./Aes.js"
export { desCbcEncrypt, desEcbDecrypt, desEcbEncrypt, tdesCbcDecrypt, tdesCbcEncrypt } from "./Des.js"
export { sha1, sha256, sha384 } from "./Hash.js"
export { pad, unpad } from "./Padding.js"
export { retailMac } from "./RetailMac.js"
