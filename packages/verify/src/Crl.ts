/**
 * X.509 certificate revocation lists (RFC 5280 §5), for JPKI revocation checks. A CRL the user supplies is parsed
 * here (a `CrlParseError` when it is not one); whether it is trusted is decided when it is used: it must be signed by
 * the issuer of the certificate being checked.
 *
 * @since 0.1.0
 */
import { AsnParser } from "@peculiar/asn1-schema"
import { CertificateList, CRLReason, IssuingDistributionPoint } from "@peculiar/asn1-x509"
import * as asn1js from "asn1js"
import { Effect } from "effect"
import { CrlParseError } from "./Errors.js"
import { kindOf } from "./internal/args.js"
import { isAllZero, looksLikePem, pemBlocks, stripLeadingZeros, toHex } from "./internal/bytes.js"
import { directoryNameKey, generalNameKey } from "./internal/names.js"
import { algorithmFor, berQuirks, nameKey, nameString, type SignatureAlgorithm, structure } from "./X509.js"

/** RFC 5280 §5.3.1 reason names by code. */
export const reasonNames: Readonly<Record<number, string>> = {
  0: "unspecified",
  1: "keyCompromise",
  2: "cACompromise",
  3: "affiliationChanged",
  4: "superseded",
  5: "cessationOfOperation",
  6: "certificateHold",
  8: "removeFromCRL",
  9: "privilegeWithdrawn",
  10: "aACompromise"
}

export interface RevokedEntry {
  readonly revokedAt: Date
  readonly reasonCode: number
  readonly reason: string
}

/**
 * The CRL's issuingDistributionPoint extension (RFC 5280 §5.2.5): which certificates and reasons the CRL covers. A CRL
 * that carries one may be a partition of the issuer's revocation information; `Jpki` applies the scope checks of
 * §6.3.3 (b)(1)–(2) and (d) before it says a certificate is not revoked.
 */
export interface IssuingDistributionPointScope {
  /**
   * The distribution point's names as comparison keys (RFC 5280 §7, `internal/names.ts`): its fullName, or, when it
   * is named relative to the CRL issuer, the CRL issuer's name with that RDN appended (§5.2.5); `undefined` when the
   * extension names no distribution point.
   */
  readonly names: ReadonlyArray<string> | undefined
  /** Whether the distribution point is named relative to the CRL issuer (nameRelativeToCRLIssuer). */
  readonly relativeName: boolean
  readonly onlyContainsUserCerts: boolean
  readonly onlyContainsCACerts: boolean
  readonly onlyContainsAttributeCerts: boolean
  /** The reasons a CRL with onlySomeReasons covers (RFC 5280 ReasonFlags names); `undefined`: all reasons. */
  readonly onlySomeReasons: ReadonlyArray<string> | undefined
  readonly indirectCRL: boolean
}

export interface ParsedCrl {
  readonly _tag: "ParsedCrl"
  readonly der: Uint8Array
  /** The to-be-signed part exactly as encoded. */
  readonly tbs: Uint8Array
  readonly issuer: string
  /** The issuer's name in canonical form, for matching: equal to the `issuerKey` of the certificates it issued. */
  readonly issuerKey: string
  readonly thisUpdate: Date
  readonly nextUpdate: Date | undefined
  readonly signatureAlgorithm: SignatureAlgorithm
  readonly signatureValue: Uint8Array
  /** Revoked serial numbers (lower-case hex, leading zero bytes stripped). */
  readonly entries: ReadonlyMap<string, RevokedEntry>
  /** Whether this is a delta CRL (deltaCRLIndicator): it lists only changes since a base CRL. */
  readonly delta: boolean
  /** The issuingDistributionPoint extension (the CRL's scope), when present. */
  readonly issuingDistributionPoint?: IssuingDistributionPointScope | undefined
  /** Critical CRL extensions this library does not process. */
  readonly unknownCriticalExtensions: ReadonlyArray<string>
}

/** A serial number's lookup key: hex of its magnitude. */
export const serialKey = (serialHex: string): string => {
  const trimmed = serialHex.replace(/^(00)+(?=..)/, "")
  return trimmed.toLowerCase()
}

const knownCrlExtensions = new Set(["2.5.29.20", "2.5.29.35", "2.5.29.28", "2.5.29.27", "2.5.29.46"])

const parseUnsafe = (input: Uint8Array): ParsedCrl => {
  let bytes = input
  if (looksLikePem(bytes)) {
    const blocks = pemBlocks(new TextDecoder().decode(bytes), "X509 CRL")
    if (blocks.length === 0) throw new Error("PEM text without an X509 CRL block")
    bytes = blocks[0]!
  }
  if (bytes.length === 0 || bytes[0] !== 0x30) throw new Error("not a DER SEQUENCE")
  const decoded = asn1js.fromBER(new Uint8Array(bytes))
  if (decoded.offset === -1 || decoded.result.error) throw new Error(decoded.result.error || "BER decoding failed")
  if (decoded.offset < bytes.length && !isAllZero(bytes.subarray(decoded.offset))) throw new Error("data after the CRL")
  const ber = berQuirks(decoded.result)
  if ("error" in ber) throw new Error(ber.error)
  const outer = structure(decoded.result)
  if (typeof outer === "string") throw new Error(outer)
  const crl = AsnParser.fromASN(decoded.result, CertificateList)
  if (crl.tbsCertListRaw === undefined) throw new Error("to-be-signed part not found")
  const tbs = crl.tbsCertList
  // asn1js matches the optional nextUpdate (a CHOICE of times) against whatever follows thisUpdate: in a CRL without
  // nextUpdate, the revokedCertificates or crlExtensions that follow were taken for it and dropped, so a listed serial,
  // an issuingDistributionPoint or a deltaCRLIndicator was silently lost (RFC 5280 §5.1.2.5 requires nextUpdate, so
  // such a CRL does not conform anyway). Every field of the to-be-signed SEQUENCE must be accounted for.
  const tbsNode = (decoded.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence | undefined
  const fields =
    (tbs.version !== undefined ? 1 : 0) +
    3 +
    (tbs.nextUpdate !== undefined ? 1 : 0) +
    (tbs.revokedCertificates !== undefined ? 1 : 0) +
    (tbs.crlExtensions !== undefined ? 1 : 0)
  if (tbsNode?.valueBlock.value.length !== fields)
    throw new Error("a field of the CRL could not be read (a CRL without nextUpdate followed by other fields)")
  if (tbs.signature.algorithm !== crl.signatureAlgorithm.algorithm)
    throw new Error("the signature algorithm inside the CRL differs from the outer one")
  const entries = new Map<string, RevokedEntry>()
  for (const entry of tbs.revokedCertificates ?? []) {
    let reasonCode = 0
    for (const ext of entry.crlEntryExtensions ?? []) {
      if (ext.extnID === "2.5.29.21")
        reasonCode = AsnParser.parse(new Uint8Array(ext.extnValue.buffer), CRLReason).reason as number
      else if (ext.critical && ext.extnID !== "2.5.29.24" && ext.extnID !== "2.5.29.29")
        throw new Error(`a revoked entry has an unknown critical extension ${ext.extnID}`)
    }
    const serial = toHex(stripLeadingZeros(new Uint8Array(entry.userCertificate)))
    entries.set(serial, {
      revokedAt: entry.revocationDate.getTime(),
      reasonCode,
      reason: reasonNames[reasonCode] ?? `reason ${reasonCode}`
    })
  }
  const extensions = tbs.crlExtensions ?? []
  const idpExtension = extensions.find((e) => e.extnID === "2.5.29.28")
  let issuingDistributionPoint: IssuingDistributionPointScope | undefined
  if (idpExtension !== undefined) {
    const idp = AsnParser.parse(new Uint8Array(idpExtension.extnValue.buffer), IssuingDistributionPoint)
    const relative = idp.distributionPoint?.nameRelativeToCRLIssuer
    issuingDistributionPoint = {
      names:
        relative !== undefined
          ? [directoryNameKey([...tbs.issuer, relative])]
          : idp.distributionPoint?.fullName?.map(generalNameKey),
      relativeName: relative !== undefined,
      onlyContainsUserCerts: idp.onlyContainsUserCerts,
      onlyContainsCACerts: idp.onlyContainsCACerts,
      onlyContainsAttributeCerts: idp.onlyContainsAttributeCerts,
      onlySomeReasons: idp.onlySomeReasons?.toJSON(),
      indirectCRL: idp.indirectCRL
    }
  }
  return {
    _tag: "ParsedCrl",
    der: bytes.subarray(0, decoded.offset),
    tbs: new Uint8Array(crl.tbsCertListRaw),
    issuer: nameString(tbs.issuer),
    issuerKey: nameKey(tbs.issuer),
    thisUpdate: tbs.thisUpdate.getTime(),
    nextUpdate: tbs.nextUpdate?.getTime(),
    signatureAlgorithm: algorithmFor(crl.signatureAlgorithm.algorithm),
    signatureValue: new Uint8Array(crl.signature),
    entries,
    delta: extensions.some((e) => e.extnID === "2.5.29.27"),
    issuingDistributionPoint,
    unknownCriticalExtensions: extensions
      .filter((e) => e.critical && !knownCrlExtensions.has(e.extnID))
      .map((e) => e.extnID)
  }
}

/** Parses a CRL (DER, or PEM `X509 CRL`); `CrlParseError` when it is not one. */
export const parse = (bytes: Uint8Array): Effect.Effect<ParsedCrl, CrlParseError> =>
  // Not bytes (a JavaScript caller's string or `null`): said so, instead of the TypeError it threw inside.
  !(bytes instanceof Uint8Array)
    ? Effect.fail(
        new CrlParseError({
          detail: `Crl.parse: the CRL must be bytes (a Uint8Array of DER, or of PEM text), got ${kindOf(bytes)}; fix the call`
        })
      )
    : Effect.try({
        try: () => parseUnsafe(bytes),
        catch: (e) => new CrlParseError({ detail: e instanceof Error ? e.message : String(e) })
      })
