// @jpcard/verify/node: a CryptoProvider on node:crypto, for Node applications (the CLI, servers).
//
// The main entry of @jpcard/verify imports no Node built-in and verifies with WebCrypto, which in Node runs every
// call as an asynchronous job on the libuv thread pool; for RSA-2048 that hop costs more than the verification
// itself. Passing this provider as `backend` runs the same checks through node:crypto's synchronous one-shot verify.
// Same results, same reports (the provider is named in nothing but speed).
import * as nodeCrypto from "node:crypto"
import { createHash, createPublicKey, publicDecrypt, verify } from "node:crypto"

const b64url = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url")

const jwkOf = (key) => {
  if (key.kind === "rsa") return { kty: "RSA", n: b64url(key.n), e: b64url(key.e) }
  const size = (key.point.length - 1) / 2
  return {
    kty: "EC",
    crv: key.curve,
    x: b64url(key.point.subarray(1, 1 + size)),
    y: b64url(key.point.subarray(1 + size))
  }
}

// Key objects per package key object (those are stable for cached certificates and CVCs).
const keyObjects = new WeakMap()
const keyObject = (key) => {
  let k = keyObjects.get(key)
  if (k === undefined) {
    k = createPublicKey({ key: jwkOf(key), format: "jwk" })
    keyObjects.set(key, k)
  }
  return k
}

const view = (buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)

// crypto.hash (Node ≥ 20.12 / 21.7): one-shot, without a Hash object per call; createHash where it is missing.
const oneShotHash =
  typeof nodeCrypto.hash === "function"
    ? (name, data) => nodeCrypto.hash(name, data, "buffer")
    : (name, data) => createHash(name).update(data).digest()

const names = { "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" }

export const nodeCryptoProvider = Object.freeze({
  name: "node:crypto",
  rsaVerifyPkcs1: (key, hash, data, signature) => verify(names[hash], data, keyObject(key), signature),
  ecdsaVerify: (key, hash, data, signature) =>
    verify(names[hash], data, { key: keyObject(key), dsaEncoding: "ieee-p1363" }, signature),
  digest: (hash, data) => view(oneShotHash(names[hash], data)),
  // The PKCS#1 v1.5 payload (type-1 padding checked and stripped by OpenSSL), so the verifiers can compare it with the
  // digest they compute for the report instead of hashing the covered bytes a second time; undefined when it fails.
  rsaPublicRecover: (key, signature) => {
    try {
      // The KeyObject itself rather than `{ key, padding }`: node:crypto takes the options form through a far slower
      // path (≈ 15 µs more per call); the padding is RSA_PKCS1_PADDING by default. Were it ever another, the payload
      // would be the whole block and match no expected encoding (the full verification then decides).
      // A Buffer is a Uint8Array; the payload is only compared, so no view of it is made.
      return publicDecrypt(keyObject(key), signature)
    } catch {
      return undefined
    }
  }
})
