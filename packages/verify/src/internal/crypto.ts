/**
 * The signature primitives, on WebCrypto where the platform has it (Node, browsers in secure contexts) and on portable
 * code where it does not: `@noble/curves` for ECDSA, `@noble/hashes` for digests, and a bigint RSA public operation.
 * The raw RSA operation (`s^e mod n`) is always bigint: WebCrypto has no raw public-key operation, and two card
 * formats need one (the bare-hash check code of the first-generation residence card, the kenkaku triple digest).
 *
 * Imported WebCrypto keys are cached per key (bounded), so verifying many cards signed under one certificate imports
 * the key once.
 *
 * @internal
 */
import { p256, p384, p521 } from "@noble/curves/nist.js"
import { sha1 } from "@noble/hashes/legacy.js"
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js"
import { bufferSource, concat, equals, fromBigInt, hex, toBase64Url, toBigInt } from "./bytes.js"
import { ByteCache } from "./cache.js"

export type HashName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512"
export type CurveName = "P-256" | "P-384" | "P-521"

export interface RsaPublicKey {
  readonly kind: "rsa"
  /** Modulus, big-endian, no leading zero. */
  readonly n: Uint8Array
  /** Public exponent, big-endian, no leading zero. */
  readonly e: Uint8Array
  readonly bits: number
}

export interface EcPublicKey {
  readonly kind: "ec"
  readonly curve: CurveName
  /** Uncompressed point `04 ‖ X ‖ Y`. */
  readonly point: Uint8Array
}

export type PublicKey = RsaPublicKey | EcPublicKey

/**
 * Signature primitives supplied by the application, e.g. node:crypto in a Node program (this package imports no Node
 * built-in). Keys are passed as the package's own (stable, cached) key objects, so a provider can cache what it
 * derives from them in a WeakMap. Its answers are trusted: return `false` for anything that does not verify.
 *
 * `data` may be a view of a buffer the package reuses (as WebCrypto's `verify()` copies its input, so must a provider
 * that keeps it): read it during the call, or before an asynchronous answer settles; it is cleared afterwards.
 */
export interface CryptoProvider {
  readonly name: string
  readonly rsaVerifyPkcs1: (
    key: RsaPublicKey,
    hash: HashName,
    data: Uint8Array,
    signature: Uint8Array
  ) => boolean | Promise<boolean>
  /** `signature` is raw `r ‖ s`; `key.point` is the uncompressed point. */
  readonly ecdsaVerify: (
    key: EcPublicKey,
    hash: HashName,
    data: Uint8Array,
    signature: Uint8Array
  ) => boolean | Promise<boolean>
  /** Optional; noble is used when absent. */
  readonly digest?: (hash: HashName, data: Uint8Array) => Uint8Array
  /**
   * Optional: the RSA public operation on `signature` with the PKCS#1 v1.5 type-1 padding (`00 01 FF…FF 00`, at least
   * 8 `FF`) checked and stripped, i.e. the EMSA-PKCS1-v1_5 payload; `undefined` when the block is not of that form.
   * When present, signatures over data the verifier hashes anyway (for the report) are checked against that one
   * digest instead of hashing the data a second time inside `rsaVerifyPkcs1`.
   */
  readonly rsaPublicRecover?: (key: RsaPublicKey, signature: Uint8Array) => Uint8Array | undefined
}

/**
 * Which implementation runs the signature checks: `webcrypto` (the default where `crypto.subtle` exists), `portable`
 * (`@noble/curves`, `@noble/hashes` and bigint RSA; the default elsewhere), or an application's `CryptoProvider`.
 */
export type Backend = "webcrypto" | "portable" | CryptoProvider

const subtle: SubtleCrypto | undefined = (globalThis as { crypto?: Crypto }).crypto?.subtle

/** `webcrypto` when the platform has `crypto.subtle`, else `portable`. */
export const defaultBackend = (): "webcrypto" | "portable" => (subtle !== undefined ? "webcrypto" : "portable")

const resolve = (backend: Backend | undefined): "webcrypto" | "portable" | CryptoProvider =>
  typeof backend === "object"
    ? backend
    : backend === "webcrypto" && subtle !== undefined
      ? "webcrypto"
      : backend === undefined
        ? defaultBackend()
        : "portable"

/**
 * A cache of signature results for each backend that may cache: one for the default backend, one per provider object;
 * none for an explicit built-in backend (always exercised, for tests). One cache shared by all let a provider's
 * answers decide later verifications on another backend: a provider that threw (counted as "does not verify", e.g.
 * node:crypto refusing SHA-1 in FIPS mode) made every later default-backend check of that certificate or CVC
 * `untrusted-chain`, and one that answered `true` wrongly made a forged certificate verify on the default backend
 * too. A provider's answers are trusted for that provider only.
 */
export class PerBackend<C> {
  private defaultCache: C
  private providers = new WeakMap<CryptoProvider, C>()
  constructor(private readonly make: () => C) {
    this.defaultCache = make()
  }
  /** The cache for `backend`; `undefined` for an explicit built-in backend (never cached). */
  of(backend: Backend | undefined): C | undefined {
    if (backend === undefined) return this.defaultCache
    if (typeof backend !== "object") return undefined
    let cache = this.providers.get(backend)
    if (cache === undefined) {
      cache = this.make()
      this.providers.set(backend, cache)
    }
    return cache
  }
  clear(): void {
    this.defaultCache = this.make()
    this.providers = new WeakMap()
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Digests

const nobleHash = { "SHA-1": sha1, "SHA-256": sha256, "SHA-384": sha384, "SHA-512": sha512 } as const

export const hashLength: Record<HashName, number> = { "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 }

/**
 * Data signed as the concatenation of several parts (D0 ‖ D1 of a residence card), joined only where an API needs one
 * buffer: into the scratch buffer for a call that reads it at once (`transient`, `lend`), else into a fresh array made
 * once per verification, which the fallbacks (gen 1: DigestInfo, then the bare hash; gen 2: raw, then DER) reuse.
 */
export class Parts {
  private joinedBytes: Uint8Array<ArrayBuffer> | undefined
  constructor(readonly parts: ReadonlyArray<Uint8Array>) {}
  get length(): number {
    let n = 0
    for (const p of this.parts) n += p.length
    return n
  }
  join(): Uint8Array<ArrayBuffer> {
    this.joinedBytes ??= concat(...this.parts)
    return this.joinedBytes
  }
}

/** Signed data: one array, or `Parts`. */
export type Signed = Uint8Array | Parts

/** Signed data as one array (a single array as it is). */
export const joined = (data: Signed): Uint8Array => (data instanceof Uint8Array ? data : data.join())

/** Synchronous digest (noble, or the provider's): for digests that are compared or reported, not verified. */
export const digestSync = (hash: HashName, data: Signed, backend?: Backend): Uint8Array => {
  if (typeof backend === "object" && backend.digest !== undefined) {
    const digest = backend.digest
    return lend(data, (bytes) => digest(hash, bytes))
  }
  if (data instanceof Uint8Array) return nobleHash[hash](data)
  // Incrementally over the parts: no joined copy.
  const h = nobleHash[hash].create()
  for (const p of data.parts) h.update(p)
  return h.digest()
}

// ---------------------------------------------------------------------------------------------------------------
// Transient joins: for a WebCrypto call, or lent to a provider

/** Above this, parts are joined into a fresh array (the scratch buffer stays small). */
const SCRATCH_LIMIT = 64 * 1024
let scratch = new ArrayBuffer(16 * 1024)
/** Whether a synchronous provider call is reading the scratch buffer right now. */
let lentOut = false

/** Whether the scratch buffer holds anything but zeros (tests: no card data stays behind). @internal */
export const scratchHoldsData = (): boolean => new Uint8Array(scratch).some((b) => b !== 0)

/**
 * Signed data as a `BufferSource` that is valid only until the caller returns to the event loop: single parts over an
 * `ArrayBuffer` as they are, parts joined into a module-wide scratch buffer. Only for a WebCrypto call made at once:
 * `verify()` takes "a copy of the bytes held by the data parameter" before it returns its promise (W3C Web
 * Cryptography API, SubtleCrypto.verify() steps 2–3), so the buffer may be reused by the next call. This saves a
 * fresh 10 kB `ArrayBuffer` per residence card, whose allocation and collection cost more than the copy.
 */
const transient = (data: Signed): Uint8Array<ArrayBuffer> => {
  if (data instanceof Uint8Array) return bufferSource(data)
  const length = data.length
  // A provider holding the scratch buffer (`lend`) that verifies again from within its call gets a fresh join.
  if (length > SCRATCH_LIMIT || lentOut) return data.join()
  if (scratch.byteLength < length) scratch = new ArrayBuffer(Math.max(length, 2 * scratch.byteLength))
  const out = new Uint8Array(scratch, 0, length)
  let offset = 0
  for (const p of data.parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

const isPromiseLike = (x: unknown): x is PromiseLike<unknown> =>
  typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function"

/**
 * Calls a provider with the signed data as one array. Parts are joined into the scratch buffer, lent for the call (the
 * `CryptoProvider` contract: data is read before the answer settles): cleared right after a synchronous answer
 * (node:crypto), or when an asynchronous one settles, the module taking a fresh scratch buffer meanwhile so that no
 * other verification writes over bytes the provider may still be reading. Saves a 10 kB allocation per residence card.
 */
const lend = <A>(data: Signed, call: (bytes: Uint8Array) => A): A => {
  if (data instanceof Uint8Array) return call(data)
  const bytes = transient(data)
  if (bytes.buffer !== scratch) return call(bytes)
  let answer: A
  lentOut = true
  try {
    answer = call(bytes)
  } catch (e) {
    bytes.fill(0)
    throw e
  } finally {
    lentOut = false
  }
  if (isPromiseLike(answer)) {
    scratch = new ArrayBuffer(scratch.byteLength)
    const clear = () => {
      bytes.fill(0)
    }
    answer.then(clear, clear)
  } else bytes.fill(0)
  return answer
}

// ---------------------------------------------------------------------------------------------------------------
// Caches: imported keys by key object (keys of cached certificates are stable objects), else by key bytes.

/** An imported key; `key` is set once the import resolved, so a verification can start without waiting a tick. */
interface CachedKey {
  readonly promise: Promise<CryptoKey>
  key?: CryptoKey
}

let webKeysByObject = new WeakMap<PublicKey, Map<string, CachedKey>>()
const webKeysByBytes = new ByteCache<CachedKey>(512)
const rsaBigints = new WeakMap<RsaPublicKey, { readonly n: bigint; readonly e: bigint }>()

/** Drops every cached key (tests and benchmarks measure the cold path with it). */
export const clearKeyCache = (): void => {
  webKeysByBytes.clear()
  webKeysByObject = new WeakMap()
}

/** `tag` names the algorithm the key is imported for: a constant string (a per-call template would cost a join). */
const cachedWebKey = (
  key: PublicKey,
  tag: string,
  parts: ReadonlyArray<Uint8Array>,
  importKey: () => Promise<CryptoKey>
): CachedKey => {
  const byObject = webKeysByObject
  let perObject = byObject.get(key)
  const hit = perObject?.get(tag) ?? webKeysByBytes.get(tag, parts)
  if (perObject === undefined) {
    perObject = new Map()
    byObject.set(key, perObject)
  }
  if (hit !== undefined) {
    perObject.set(tag, hit)
    return hit
  }
  const entry: CachedKey = { promise: importKey() }
  const cachedIn = perObject
  entry.promise.then(
    (k) => {
      entry.key = k
    },
    // A rejected import must not stay cached (and, after a clear, must not drop the entry that replaced it).
    () => {
      webKeysByBytes.delete(tag, parts, entry)
      if (cachedIn.get(tag) === entry) cachedIn.delete(tag)
    }
  )
  webKeysByBytes.set(tag, parts, entry)
  perObject.set(tag, entry)
  return entry
}

/**
 * Runs a WebCrypto verification with a cached key: at once when the key is ready (the job starts now, over a transient
 * join of the data), else once it is (over a fresh join, as the scratch buffer may be reused meanwhile).
 */
const withKey = (
  entry: CachedKey,
  data: Signed,
  run: (key: CryptoKey, data: Uint8Array<ArrayBuffer>) => Promise<boolean>
): Promise<boolean> => {
  try {
    if (entry.key !== undefined) {
      const bytes = transient(data)
      try {
        return run(entry.key, bytes).catch(() => false)
      } finally {
        // WebCrypto holds its own copy now; the scratch buffer keeps no card data (a face image) after the call.
        if (bytes.buffer === scratch) bytes.fill(0)
      }
    }
    const fresh = bufferSource(joined(data))
    return entry.promise.then((key) => run(key, fresh)).catch(() => false)
  } catch {
    return Promise.resolve(false)
  }
}

/** A provider's answer as a promise; a throw or a rejection is `false`. */
const fromProvider = (answer: () => boolean | Promise<boolean>): Promise<boolean> => {
  try {
    const ok = answer()
    // A synchronous answer (node:crypto) settles at once, without a second promise.
    if (typeof ok === "boolean") return Promise.resolve(ok)
    return Promise.resolve(ok).then(
      (value) => value === true,
      () => false
    )
  } catch {
    return Promise.resolve(false)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// RSA

const rsaTag: Record<HashName, string> = {
  "SHA-1": "rsa:SHA-1",
  "SHA-256": "rsa:SHA-256",
  "SHA-384": "rsa:SHA-384",
  "SHA-512": "rsa:SHA-512"
}

const rsaWebKey = (key: RsaPublicKey, hash: HashName): CachedKey =>
  // JWK rather than SPKI: the key is rebuilt from its two integers, whatever the certificate's encoding quirks.
  cachedWebKey(key, rsaTag[hash], [key.n, key.e], () =>
    subtle!.importKey(
      "jwk",
      { kty: "RSA", n: toBase64Url(key.n), e: toBase64Url(key.e), ext: true },
      { name: "RSASSA-PKCS1-v1_5", hash },
      false,
      ["verify"]
    )
  )

const rsaIntegers = (key: RsaPublicKey) => {
  let ints = rsaBigints.get(key)
  if (ints === undefined) {
    ints = { n: toBigInt(key.n), e: toBigInt(key.e) }
    rsaBigints.set(key, ints)
  }
  return ints
}

/**
 * Why an RSA public key read from the input (big-endian, leading zeros stripped) is not used, or `undefined`: OpenSSL's
 * bounds (a modulus of at most 16384 bits, OPENSSL_RSA_MAX_MODULUS_BITS; an exponent of at most 64 bits,
 * RSA_MAX_PUBEXP_BITS) and RFC 8017 §3.1's odd exponent of at least 3, on every backend. Without them a certificate or
 * CVC from the input chose the size of the bigint operation (a 16384-bit modulus and exponent held the main thread
 * for 6 s per verification, on the default backend too: the check code's raw path), a key OpenSSL refuses (a 4096-bit
 * modulus with a 4096-bit exponent, issued by a trusted CA) verified on the portable backend only, and under e = 1 a
 * "signature" is the padded digest itself, which anyone can write.
 */
export const rsaKeyProblem = (n: Uint8Array, e: Uint8Array): string | undefined => {
  if (n.length > 2048) return `a modulus of ${n.length * 8} bits (at most 16384)`
  if (e.length > 8) return `an exponent of ${e.length * 8} bits (at most 64)`
  if (e.length === 0 || (e[e.length - 1]! & 1) === 0 || (e.length === 1 && e[0]! < 3))
    return "an exponent that is not odd and at least 3"
  return undefined
}

/**
 * The raw RSA public operation `s^e mod n`, as a block of the modulus length; `undefined` when the signature is not
 * of the modulus length or not smaller than the modulus (never a valid signature).
 */
export const rsaPublic = (key: RsaPublicKey, signature: Uint8Array): Uint8Array | undefined => {
  const k = key.n.length
  if (signature.length !== k) return undefined
  const { n, e } = rsaIntegers(key)
  const s = toBigInt(signature)
  if (s >= n) return undefined
  let result: bigint
  if (e === 65537n) {
    // 16 squarings and one multiplication.
    let x = s
    for (let i = 0; i < 16; i++) x = (x * x) % n
    result = (x * s) % n
  } else {
    result = 1n
    let base = s
    let exp = e
    while (exp > 0n) {
      if (exp & 1n) result = (result * base) % n
      base = (base * base) % n
      exp >>= 1n
    }
  }
  return fromBigInt(result, k)
}

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1). */
export const digestInfoPrefix: Record<HashName, Uint8Array> = {
  "SHA-1": hex("3021300906052b0e03021a05000414"),
  "SHA-256": hex("3031300d060960864801650304020105000420"),
  "SHA-384": hex("3041300d060960864801650304020205000430"),
  "SHA-512": hex("3051300d060960864801650304020305000440")
}

/**
 * The PKCS#1 v1.5 type-1 payload of a decrypted block `00 01 FF…FF 00 ‖ payload` (at least 8 `FF`, RFC 8017
 * §9.2 step 5); `undefined` when the block is not of that form.
 */
export const pkcs1Type1Payload = (block: Uint8Array): Uint8Array | undefined => {
  if (block.length < 11 || block[0] !== 0x00 || block[1] !== 0x01) return undefined
  let i = 2
  while (i < block.length && block[i] === 0xff) i++
  if (i - 2 < 8 || i >= block.length || block[i] !== 0x00) return undefined
  return block.subarray(i + 1)
}

/** Whether `block` is exactly the type-1 encoding of `payload` for this modulus length (no other bytes accepted). */
export const isType1Encoding = (block: Uint8Array, payload: Uint8Array): boolean => {
  const k = block.length
  if (payload.length > k - 11) return false
  const expected = new Uint8Array(k)
  expected[1] = 0x01
  expected.fill(0xff, 2, k - payload.length - 1)
  expected.set(payload, k - payload.length)
  return equals(block, expected)
}

/**
 * Whether to check an RSA signature through the provider's `rsaPublicRecover` against a digest of the covered data:
 * only when that digest is computed anyway (the report asks for it), so the data is hashed once instead of twice.
 * Otherwise the provider's one-shot verify, which hashes inside, is as cheap.
 */
export const canRecover = (options: { readonly backend?: Backend | undefined; readonly coveredDigests?: boolean }) =>
  options.coveredDigests === true &&
  typeof options.backend === "object" &&
  typeof options.backend.rsaPublicRecover === "function"

/**
 * The PKCS#1 v1.5 payload of `signature` through the provider's `rsaPublicRecover`; `undefined` when the backend has
 * none, the signature is not of the modulus length, or the provider throws or answers anything but a payload that fits
 * in a type-1 block of this modulus. Only a payload equal to an expected encoding may count as verified.
 */
export const rsaRecoverPayload = (
  key: RsaPublicKey,
  signature: Uint8Array,
  backend: Backend | undefined
): Uint8Array | undefined => {
  if (typeof backend !== "object" || backend.rsaPublicRecover === undefined) return undefined
  if (signature.length !== key.n.length) return undefined
  try {
    const payload = backend.rsaPublicRecover(key, signature)
    return payload instanceof Uint8Array && payload.length <= key.n.length - 11 ? payload : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether the recovered `payload` is the RSASSA-PKCS1-v1_5 encoding of a SHA-256 `digest` (`DigestInfo ‖ digest`),
 * compared in constant time.
 */
export const isSha256DigestInfo = (payload: Uint8Array, digest: Uint8Array): boolean => {
  const prefix = digestInfoPrefix["SHA-256"]
  if (digest.length !== 32 || payload.length !== prefix.length + 32) return false
  let diff = 0
  for (let i = 0; i < prefix.length; i++) diff |= payload[i]! ^ prefix[i]!
  for (let i = 0; i < 32; i++) diff |= payload[prefix.length + i]! ^ digest[i]!
  return diff === 0
}

/**
 * RSASSA-PKCS1-v1_5 verification of `data` under `hash`. On WebCrypto with a cached key the job is started before
 * this returns, so the caller can do other work while it runs.
 */
export const rsaVerifyPkcs1 = (
  key: RsaPublicKey,
  hash: HashName,
  data: Signed,
  signature: Uint8Array,
  backend?: Backend
): Promise<boolean> => {
  if (signature.length !== key.n.length) return Promise.resolve(false)
  const b = resolve(backend)
  if (typeof b === "object")
    return fromProvider(() => lend(data, (bytes) => b.rsaVerifyPkcs1(key, hash, bytes, signature)))
  if (b === "webcrypto")
    return withKey(rsaWebKey(key, hash), data, (k, bytes) =>
      subtle!.verify("RSASSA-PKCS1-v1_5", k, bufferSource(signature), bytes)
    )
  const block = rsaPublic(key, signature)
  return Promise.resolve(
    block !== undefined && isType1Encoding(block, concat(digestInfoPrefix[hash], digestSync(hash, data)))
  )
}

// ---------------------------------------------------------------------------------------------------------------
// ECDSA

const nobleCurve = { "P-256": p256, "P-384": p384, "P-521": p521 } as const
export const curveFieldLength: Record<CurveName, number> = { "P-256": 32, "P-384": 48, "P-521": 66 }

const ecTag: Record<CurveName, string> = { "P-256": "ec:P-256", "P-384": "ec:P-384", "P-521": "ec:P-521" }

const ecWebKey = (key: EcPublicKey): CachedKey =>
  cachedWebKey(key, ecTag[key.curve], [key.point], () =>
    subtle!.importKey("raw", bufferSource(key.point), { name: "ECDSA", namedCurve: key.curve }, false, ["verify"])
  )

/**
 * Normalises an EC public key to the uncompressed point, checking that it lies on the curve; `undefined` for a point
 * that is not on it (or not a point encoding at all).
 */
export const normaliseEcPoint = (curve: CurveName, point: Uint8Array): Uint8Array | undefined => {
  try {
    return nobleCurve[curve].Point.fromBytes(point).toBytes(false)
  } catch {
    return undefined
  }
}

/** ECDSA verification with the signature as raw `r ‖ s` (each of the curve's field length). */
export const ecdsaVerify = (
  key: EcPublicKey,
  hash: HashName,
  data: Signed,
  rawSignature: Uint8Array,
  backend?: Backend
): Promise<boolean> => {
  if (rawSignature.length !== 2 * curveFieldLength[key.curve]) return Promise.resolve(false)
  const b = resolve(backend)
  if (typeof b === "object")
    return fromProvider(() => lend(data, (bytes) => b.ecdsaVerify(key, hash, bytes, rawSignature)))
  if (b === "webcrypto")
    return withKey(ecWebKey(key), data, (k, bytes) =>
      subtle!.verify({ name: "ECDSA", hash }, k, bufferSource(rawSignature), bytes)
    )
  try {
    // High-S signatures are valid ECDSA (OpenSSL and WebCrypto accept them); noble rejects them unless told not to.
    return Promise.resolve(
      nobleCurve[key.curve].verify(rawSignature, digestSync(hash, data), key.point, {
        prehash: false,
        lowS: false,
        format: "compact"
      })
    )
  } catch {
    return Promise.resolve(false)
  }
}
