/**
 * ECDSA P-384 signing for the second-generation residence card's signature (`DC`): a minimal, bounds-checked DER
 * reader for a PKCS#8 `PrivateKeyInfo` (RFC 5208 / RFC 5915) or a bare SEC 1 `ECPrivateKey` on secp384r1, and the
 * signature itself through `@noble/curves` (RFC 6979 deterministic nonces, so the same key and data always give the
 * same signature). For test keys only.
 *
 * @since 0.1.0
 */
import { sha256 } from "@jpcard/core/crypto"
import { p384 } from "@noble/curves/nist.js"
import * as Der from "./Der.js"

const { fail, readElement, children } = Der.reader("P-384 private key", (m) => new RangeError(m))
type Element = Der.Element

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

/** 1.2.840.10045.2.1 id-ecPublicKey */
const EC_PUBLIC_KEY_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01)
/** 1.3.132.0.34 secp384r1 */
const SECP384R1_OID = Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x22)

const isSmallInteger = (element: Element | undefined, value: number) =>
  element !== undefined && element.tag === 0x02 && element.value.length === 1 && element.value[0] === value

/** `ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }` */
const parseEcPrivateKey = (der: Uint8Array): Uint8Array => {
  const outer = readElement(der, 0)
  if (outer.tag !== 0x30 || outer.end !== der.length) fail("ECPrivateKey is not one SEQUENCE")
  const fields = children(outer.value)
  if (!isSmallInteger(fields[0], 1)) fail("ECPrivateKey version is not 1")
  const scalar = fields[1]
  if (scalar === undefined || scalar.tag !== 0x04) fail("ECPrivateKey privateKey is not an OCTET STRING")
  if (scalar!.value.length !== 48) fail(`the private scalar is ${scalar!.value.length} bytes, not 48 (P-384)`)
  const parameters = fields.slice(2).find((f) => f.tag === 0xa0)
  if (parameters !== undefined) {
    const oid = readElement(parameters.value, 0)
    if (oid.tag !== 0x06 || !sameBytes(oid.value, SECP384R1_OID)) fail("the curve is not secp384r1")
  }
  return Uint8Array.from(scalar!.value)
}

/**
 * The 48-byte private scalar of a P-384 key given as PKCS#8 `PrivateKeyInfo` DER (id-ecPublicKey with the named
 * curve secp384r1) or as a bare SEC 1 `ECPrivateKey` DER. Throws a `RangeError` on anything else.
 */
export const parsePrivateKey = (der: Uint8Array): Uint8Array => {
  const outer = readElement(der, 0)
  if (outer.tag !== 0x30 || outer.end !== der.length) fail("not one DER SEQUENCE")
  const fields = children(outer.value)
  if (isSmallInteger(fields[0], 1)) return parseEcPrivateKey(der)
  if (!isSmallInteger(fields[0], 0)) fail("PKCS#8 version is not 0")
  const algorithm = fields[1]
  if (algorithm === undefined || algorithm.tag !== 0x30) fail("PKCS#8 AlgorithmIdentifier missing")
  const [oid, curve] = children(algorithm!.value)
  if (oid === undefined || oid.tag !== 0x06 || !sameBytes(oid.value, EC_PUBLIC_KEY_OID)) {
    fail("the key algorithm is not id-ecPublicKey")
  }
  if (curve === undefined || curve.tag !== 0x06 || !sameBytes(curve.value, SECP384R1_OID)) {
    fail("the curve is not secp384r1 (P-384)")
  }
  const privateKey = fields[2]
  if (privateKey === undefined || privateKey.tag !== 0x04) fail("PKCS#8 privateKey is not an OCTET STRING")
  return parseEcPrivateKey(privateKey!.value)
}

/**
 * ECDSA P-384 over SHA-256(`data`) (the hash is SHA-256 even though the curve is P-384: "SHA256withECDSA"), as a
 * raw 96-byte `r ‖ s`. Plain FIPS 186 ECDSA: `s` is not normalised to the lower half, so about half of the
 * signatures have a "high" `s`, as a generic signer's would.
 */
export const signSha256 = (privateScalar: Uint8Array, data: Uint8Array): Uint8Array =>
  Uint8Array.from(p384.sign(sha256(data), privateScalar, { prehash: false, lowS: false, format: "compact" }))
