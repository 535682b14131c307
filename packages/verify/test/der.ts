// A tiny DER (and deliberately non-DER) encoder to mint test certificates and CRLs, signed with node:crypto.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { concat } from "./helpers.js"

export const length = (n: number, longForm = false): Uint8Array => {
  if (!longForm && n < 0x80) return Uint8Array.of(n)
  if (longForm) return Uint8Array.of(0x84, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
  const bytes: Array<number> = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Uint8Array.of(0x80 | bytes.length, ...bytes)
}

/** Encoding options: `ber` uses 4-byte long-form lengths everywhere (legal BER, not DER). */
export interface Enc {
  readonly ber?: boolean
}

export const tlv = (tag: number, content: Uint8Array, enc: Enc = {}): Uint8Array =>
  concat(Uint8Array.of(tag), length(content.length, enc.ber ?? false), content)
export const seq = (enc: Enc, ...items: ReadonlyArray<Uint8Array>) => tlv(0x30, concat(...items), enc)
export const set = (enc: Enc, ...items: ReadonlyArray<Uint8Array>) => tlv(0x31, concat(...items), enc)
export const explicit = (n: number, inner: Uint8Array, enc: Enc = {}) => tlv(0xa0 | n, inner, enc)
export const nul = Uint8Array.of(0x05, 0x00)
export const bool = (v: boolean) => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00)
export const integer = (bytes: Uint8Array | number): Uint8Array => {
  let b = typeof bytes === "number" ? Uint8Array.of(bytes) : bytes
  if (b[0]! & 0x80) b = concat(Uint8Array.of(0), b)
  return tlv(0x02, b)
}
export const octet = (b: Uint8Array) => tlv(0x04, b)
export const bitString = (b: Uint8Array, unused = 0) => tlv(0x03, concat(Uint8Array.of(unused), b))
export const utf8 = (s: string) => tlv(0x0c, new TextEncoder().encode(s))
export const enumerated = (n: number) => Uint8Array.of(0x0a, 0x01, n)
export const oid = (dotted: string): Uint8Array => {
  const parts = dotted.split(".").map(Number)
  const out: Array<number> = [parts[0]! * 40 + parts[1]!]
  for (const p of parts.slice(2)) {
    const bytes: Array<number> = []
    let v = p
    do {
      bytes.unshift(v & 0x7f)
      v = Math.floor(v / 128)
    } while (v > 0)
    for (let i = 0; i < bytes.length - 1; i++) bytes[i] = bytes[i]! | 0x80
    out.push(...bytes)
  }
  return tlv(0x06, Uint8Array.from(out))
}
const pad2 = (n: number) => String(n).padStart(2, "0")
export const utcTime = (d: Date) =>
  tlv(
    0x17,
    new TextEncoder().encode(
      `${pad2(d.getUTCFullYear() % 100)}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}Z`
    )
  )

export const name = (enc: Enc, cn: string, o = "jpcard TEST"): Uint8Array =>
  seq(
    enc,
    set(enc, seq(enc, oid("2.5.4.6"), tlv(0x13, new TextEncoder().encode("JP")))),
    set(enc, seq(enc, oid("2.5.4.10"), utf8(o))),
    set(enc, seq(enc, oid("2.5.4.3"), utf8(cn)))
  )

export const extension = (id: string, critical: boolean, value: Uint8Array, enc: Enc = {}) =>
  seq(enc, oid(id), ...(critical ? [bool(true)] : []), octet(value))
export const basicConstraints = (ca: boolean, enc: Enc = {}) =>
  extension("2.5.29.19", true, seq(enc, ...(ca ? [bool(true)] : [])), enc)
/** basicConstraints cA TRUE with a pathLenConstraint (RFC 5280 §4.2.1.9). */
export const basicConstraintsPathLen = (pathLen: number) =>
  extension("2.5.29.19", true, seq({}, bool(true), integer(pathLen)))
/** A URI GeneralName ([6] IA5String). */
export const uri = (s: string) => tlv(0x86, new TextEncoder().encode(s))
/** DistributionPointName as the [0] of a DistributionPoint or IssuingDistributionPoint: fullName [0] GeneralNames. */
const fullNameOf = (...names: ReadonlyArray<Uint8Array>) => tlv(0xa0, tlv(0xa0, concat(...names)))
/** cRLDistributionPoints (RFC 5280 §4.2.1.13): one distribution point per URI. */
export const crlDistributionPoints = (...uris: ReadonlyArray<string>) =>
  extension("2.5.29.31", false, seq({}, ...uris.map((u) => seq({}, fullNameOf(uri(u))))))
/** An AttributeTypeAndValue; `tag` 0x0c UTF8String (default), 0x13 PrintableString. */
export const atv = (type: string, value: string, tag = 0x0c) =>
  seq({}, oid(type), tlv(tag, new TextEncoder().encode(value)))
/** A Name from RDNs, each a list of AttributeTypeAndValues. */
export const dn = (...rdns: ReadonlyArray<ReadonlyArray<Uint8Array>>) => seq({}, ...rdns.map((r) => set({}, ...r)))
/** `name` (a DER Name) with one more RDN appended. */
export const appendRdn = (name: Uint8Array, ...atvs: ReadonlyArray<Uint8Array>) => {
  const header = name[1]! < 0x80 ? 2 : 2 + (name[1]! & 0x7f)
  return seq({}, name.subarray(header), set({}, ...atvs))
}
/** A directoryName GeneralName ([4], explicit: Name is a CHOICE). */
export const directoryName = (name: Uint8Array) => tlv(0xa4, name)
/** A dNSName GeneralName ([2] IA5String). */
export const dnsName = (s: string) => tlv(0x82, new TextEncoder().encode(s))
export const rfc822Name = (s: string) => tlv(0x81, new TextEncoder().encode(s))
/** ReasonFlags (RFC 5280 §4.2.1.13) under an implicit tag: bit 1 keyCompromise … bit 8 aACompromise. */
export const reasonFlags = (tag: number, bits: ReadonlyArray<number>) => {
  const bytes = new Uint8Array(2)
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7)
  return tlv(tag, concat(Uint8Array.of(0), bytes))
}
export const Reason = {
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 7,
  aACompromise: 8
} as const
export const allReasonBits = [1, 2, 3, 4, 5, 6, 7, 8] as const
export interface DpSpec {
  /** fullName: GeneralNames as DER (`uri`, `directoryName`, `dnsName`). */
  readonly fullName?: ReadonlyArray<Uint8Array>
  /** nameRelativeToCRLIssuer: the RDN's AttributeTypeAndValues. */
  readonly relative?: ReadonlyArray<Uint8Array>
  readonly reasons?: ReadonlyArray<number>
  readonly crlIssuer?: ReadonlyArray<Uint8Array>
}
/** DistributionPointName ([0], explicit: a CHOICE of fullName [0] and nameRelativeToCRLIssuer [1]). */
const dpNameOf = (spec: {
  readonly fullName?: ReadonlyArray<Uint8Array> | undefined
  readonly relative?: ReadonlyArray<Uint8Array> | undefined
}) =>
  spec.fullName ? [fullNameOf(...spec.fullName)] : spec.relative ? [tlv(0xa0, tlv(0xa1, concat(...spec.relative)))] : []
/** cRLDistributionPoints with distribution points of any shape. */
export const crlDistributionPointsOf = (...points: ReadonlyArray<DpSpec>) =>
  extension(
    "2.5.29.31",
    false,
    seq(
      {},
      ...points.map((p) =>
        seq(
          {},
          ...dpNameOf(p),
          ...(p.reasons ? [reasonFlags(0x81, p.reasons)] : []),
          ...(p.crlIssuer ? [tlv(0xa2, concat(...p.crlIssuer))] : [])
        )
      )
    )
  )
export interface IdpSpec {
  readonly fullName?: ReadonlyArray<string>
  /** A fullName of any GeneralNames (DER), instead of URIs. */
  readonly names?: ReadonlyArray<Uint8Array>
  /** nameRelativeToCRLIssuer: the RDN's AttributeTypeAndValues. */
  readonly relative?: ReadonlyArray<Uint8Array>
  /** onlySomeReasons by reason bit (see `Reason`), two bytes long (reaches aACompromise). */
  readonly onlySomeReasonBits?: ReadonlyArray<number>
  readonly onlyContainsUserCerts?: boolean
  readonly onlyContainsCACerts?: boolean
  /** ReasonFlags as one byte, bit 0 (0x80) = unused, bit 1 (0x40) = keyCompromise, … */
  readonly onlySomeReasons?: number
  readonly indirectCRL?: boolean
  readonly onlyContainsAttributeCerts?: boolean
}
/** issuingDistributionPoint (RFC 5280 §5.2.5), critical as the RFC requires. */
export const issuingDistributionPoint = (spec: IdpSpec) => {
  const flag = (tag: number, v: boolean | undefined) => (v ? [Uint8Array.of(tag, 0x01, 0xff)] : [])
  return extension(
    "2.5.29.28",
    true,
    seq(
      {},
      ...(spec.fullName
        ? [fullNameOf(...spec.fullName.map(uri))]
        : dpNameOf({ fullName: spec.names, relative: spec.relative })),
      ...flag(0x81, spec.onlyContainsUserCerts),
      ...flag(0x82, spec.onlyContainsCACerts),
      ...(spec.onlySomeReasons !== undefined ? [Uint8Array.of(0x83, 0x02, 0x00, spec.onlySomeReasons)] : []),
      ...(spec.onlySomeReasonBits !== undefined ? [reasonFlags(0x83, spec.onlySomeReasonBits)] : []),
      ...flag(0x84, spec.indirectCRL),
      ...flag(0x85, spec.onlyContainsAttributeCerts)
    )
  )
}
/** deltaCRLIndicator (RFC 5280 §5.2.4), critical, naming base CRL number `base`. */
export const deltaCrlIndicator = (base = 1) => extension("2.5.29.27", true, integer(base))

/** keyUsage bits as in RFC 5280 (bit 0 = digitalSignature … bit 6 = cRLSign). */
export const keyUsage = (bits: ReadonlyArray<number>, enc: Enc = {}) => {
  let value = 0
  for (const b of bits) value |= 0x80 >> b
  return extension("2.5.29.15", true, bitString(Uint8Array.of(value), 1), enc)
}
export const KU = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const

export type Alg = "rsa-sha256" | "ecdsa-sha384" | "ecdsa-sha256" | "rsa-pss"
const algOid: Record<Alg, string> = {
  "rsa-sha256": "1.2.840.113549.1.1.11",
  "ecdsa-sha384": "1.2.840.10045.4.3.3",
  "ecdsa-sha256": "1.2.840.10045.4.3.2",
  "rsa-pss": "1.2.840.113549.1.1.10"
}
export const algorithmIdentifier = (alg: Alg, nullParams: boolean, enc: Enc = {}) =>
  seq(enc, oid(algOid[alg]), ...(nullParams ? [nul] : []))

export interface CertSpec {
  readonly serial?: number
  readonly issuer: Uint8Array
  readonly subject: Uint8Array
  readonly notBefore?: Date
  readonly notAfter?: Date
  readonly publicKey: KeyObject
  readonly extensions?: ReadonlyArray<Uint8Array>
  readonly alg: Alg
  /** NULL parameters in the algorithm identifiers (RSA: the DER norm; ECDSA: the real-card quirk). */
  readonly nullParams?: boolean
  readonly signer: KeyObject
  readonly enc?: Enc
}

export const tbsOf = (spec: CertSpec): Uint8Array => {
  const enc = spec.enc ?? {}
  const nullParams = spec.nullParams ?? spec.alg.startsWith("rsa")
  return seq(
    enc,
    explicit(0, integer(2)),
    integer(spec.serial ?? 0x1001),
    algorithmIdentifier(spec.alg, nullParams, enc),
    spec.issuer,
    seq(
      enc,
      utcTime(spec.notBefore ?? new Date("2024-01-01T00:00:00Z")),
      utcTime(spec.notAfter ?? new Date("2039-12-31T23:59:59Z"))
    ),
    spec.subject,
    new Uint8Array(spec.publicKey.export({ type: "spki", format: "der" })),
    ...(spec.extensions && spec.extensions.length > 0 ? [explicit(3, seq(enc, ...spec.extensions), enc)] : [])
  )
}

export const signWith = (alg: Alg, signer: KeyObject, data: Uint8Array): Uint8Array =>
  new Uint8Array(sign(alg === "ecdsa-sha384" ? "sha384" : "sha256", data, signer))

/** A certificate: TBS ‖ algorithm ‖ signature over the TBS bytes as encoded. */
export const certificate = (spec: CertSpec): Uint8Array => {
  const enc = spec.enc ?? {}
  const tbs = tbsOf(spec)
  const nullParams = spec.nullParams ?? spec.alg.startsWith("rsa")
  return seq(enc, tbs, algorithmIdentifier(spec.alg, nullParams, enc), bitString(signWith(spec.alg, spec.signer, tbs)))
}

/** A self-signed certificate: `name` issues itself, signed by `key`'s private half. */
export const selfSigned = (
  name: Uint8Array,
  key: { readonly publicKey: KeyObject; readonly privateKey: KeyObject },
  alg: Alg,
  extensions: ReadonlyArray<Uint8Array> = []
): Uint8Array =>
  certificate({ issuer: name, subject: name, publicKey: key.publicKey, alg, signer: key.privateKey, extensions })

export interface CrlSpec {
  readonly issuer: Uint8Array
  readonly thisUpdate: Date
  readonly nextUpdate?: Date
  readonly revoked?: ReadonlyArray<{ readonly serial: Uint8Array; readonly date: Date; readonly reason?: number }>
  readonly signer: KeyObject
  /** crlExtensions ([0] EXPLICIT Extensions). */
  readonly extensions?: ReadonlyArray<Uint8Array>
}

export const crl = (spec: CrlSpec): Uint8Array => {
  const entries = (spec.revoked ?? []).map((r) =>
    seq(
      {},
      integer(r.serial),
      utcTime(r.date),
      ...(r.reason !== undefined ? [seq({}, extension("2.5.29.21", false, enumerated(r.reason)))] : [])
    )
  )
  const tbs = seq(
    {},
    integer(1),
    algorithmIdentifier("rsa-sha256", true),
    spec.issuer,
    utcTime(spec.thisUpdate),
    ...(spec.nextUpdate ? [utcTime(spec.nextUpdate)] : []),
    ...(entries.length > 0 ? [seq({}, ...entries)] : []),
    ...(spec.extensions && spec.extensions.length > 0 ? [explicit(0, seq({}, ...spec.extensions))] : [])
  )
  return seq({}, tbs, algorithmIdentifier("rsa-sha256", true), bitString(signWith("rsa-sha256", spec.signer, tbs)))
}

// ---------------------------------------------------------------------------------------------------------------
// Keys

const keysDir = fileURLToPath(new URL("../../sim/fixtures/keys/", import.meta.url))

/** The simulator's CA private keys (PKCS#8 PEM, kept out of data.ts on purpose). */
export const simKey = (name: string): KeyObject => createPrivateKey(readFileSync(`${keysDir}${name}.key.pem`, "utf8"))

export const rsaKeyPair = () => generateKeyPairSync("rsa", { modulusLength: 2048 })
export const p384KeyPair = () => generateKeyPairSync("ec", { namedCurve: "P-384" })
export const publicOf = (key: KeyObject) => createPublicKey(key)

/** The raw DER Name of a certificate's issuer or subject, cut out of the DER (no re-encoding). */
export const nameOf = (cert: Uint8Array, which: "issuer" | "subject"): Uint8Array => {
  // Certificate ::= SEQUENCE { tbs SEQUENCE { [0] version, serial, sigAlg, issuer, validity, subject, … } … }
  const read = (b: Uint8Array, at: number) => {
    let p = at + 1
    let len = b[p++]!
    if (len & 0x80) {
      const n = len & 0x7f
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + b[p++]!
    }
    return { start: at, valueStart: p, end: p + len }
  }
  const outer = read(cert, 0)
  const tbs = read(cert, outer.valueStart)
  let p = tbs.valueStart
  const fields: Array<{ start: number; end: number }> = []
  while (p < tbs.end && fields.length < 6) {
    const f = read(cert, p)
    fields.push(f)
    p = f.end
  }
  const f = fields[which === "issuer" ? 3 : 5]!
  return cert.subarray(f.start, f.end)
}
