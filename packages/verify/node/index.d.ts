// Types of @jpcard/verify/node, self-contained (structurally a `CryptoProvider` of @jpcard/verify).

type HashName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512"
interface RsaPublicKey {
  readonly kind: "rsa"
  readonly n: Uint8Array
  readonly e: Uint8Array
  readonly bits: number
}
interface EcPublicKey {
  readonly kind: "ec"
  readonly curve: "P-256" | "P-384" | "P-521"
  readonly point: Uint8Array
}

export interface NodeCryptoProvider {
  readonly name: string
  readonly rsaVerifyPkcs1: (key: RsaPublicKey, hash: HashName, data: Uint8Array, signature: Uint8Array) => boolean
  readonly ecdsaVerify: (key: EcPublicKey, hash: HashName, data: Uint8Array, signature: Uint8Array) => boolean
  readonly digest: (hash: HashName, data: Uint8Array) => Uint8Array
  /** The PKCS#1 v1.5 type-1 payload of `signature` (padding checked and stripped), or `undefined`. */
  readonly rsaPublicRecover: (key: RsaPublicKey, signature: Uint8Array) => Uint8Array | undefined
}

/**
 * A `CryptoProvider` on node:crypto (synchronous one-shot verify, KeyObjects cached per key). Pass it as `backend`
 * in the options of any verification: `Residence.verifyGen1(input, trust, { backend: nodeCryptoProvider })`.
 */
export declare const nodeCryptoProvider: NodeCryptoProvider
