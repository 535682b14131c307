/**
 * Comparison keys for GeneralNames (RFC 5280 §7), to match a CRL's issuingDistributionPoint to a certificate's
 * cRLDistributionPoints (§6.3.3 (b)(1)): two names match exactly when their keys are equal.
 *
 * - uniformResourceIdentifier (§7.4): the scheme and the host compare without regard to case, the rest exactly. The
 *   other normalisations §7.4 lists (IDN to ACE, percent-encoding, dot segments, default ports) are not made: such
 *   names do not match, which leaves revocation unknown, never "not revoked".
 * - directoryName (§7.1): the same attribute types in the same order, RDNs as sets; string values compared after a
 *   reduced RFC 4518 preparation (NFKC, case folded, leading and trailing space removed, inner runs of space collapsed
 *   to one), whatever their string type; values that are not strings compared as encoded.
 * - dNSName (§7.2): without regard to case (ASCII labels; IDNs are compared in the A-label form they carry).
 * - rfc822Name (§7.5): the local part exactly, the host part without regard to case.
 * - every other form: exactly, as DER.
 *
 * @internal
 */
import { AsnSerializer } from "@peculiar/asn1-schema"
import type { AttributeTypeAndValue, GeneralName, RelativeDistinguishedName } from "@peculiar/asn1-x509"
import { toHex } from "./bytes.js"

/** RFC 4518 string preparation, reduced: NFKC, case folded, insignificant space removed or collapsed. */
export const prepareString = (s: string): string =>
  s.normalize("NFKC").toUpperCase().toLowerCase().replace(/\s+/gu, " ").trim()

/** RFC 5280 §7.4: scheme and host without regard to case (`scheme://userinfo@host:port`), the rest as given. */
export const uriKey = (uri: string): string => {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?/.exec(uri)
  if (m === null) return uri
  const scheme = m[1]!.toLowerCase()
  const rest = uri.slice(m[0].length)
  const authority = m[2]
  if (authority === undefined) return `${scheme}:${rest}`
  const at = authority.lastIndexOf("@")
  // userinfo is case-sensitive; host and port follow it (a port is digits: lower-casing leaves it as it is).
  return `${scheme}://${authority.slice(0, at + 1)}${authority.slice(at + 1).toLowerCase()}${rest}`
}

const attributeKey = (atv: AttributeTypeAndValue): string =>
  JSON.stringify(
    atv.value.anyValue !== undefined
      ? [atv.type, "encoded", toHex(new Uint8Array(atv.value.anyValue))]
      : [atv.type, "text", prepareString(atv.value.toString())]
  )

/** A distinguished name's key (§7.1): RDNs in order, the attributes of each as a set. */
export const directoryNameKey = (rdns: ReadonlyArray<RelativeDistinguishedName>): string =>
  JSON.stringify(["directoryName", rdns.map((rdn) => rdn.map(attributeKey).sort())])

/** A GeneralName's comparison key: equal keys, matching names (RFC 5280 §7). */
export const generalNameKey = (name: GeneralName): string => {
  if (name.uniformResourceIdentifier !== undefined)
    return JSON.stringify(["uniformResourceIdentifier", uriKey(name.uniformResourceIdentifier)])
  if (name.directoryName !== undefined) return directoryNameKey(name.directoryName)
  if (name.dNSName !== undefined) return JSON.stringify(["dNSName", name.dNSName.toLowerCase()])
  if (name.rfc822Name !== undefined) {
    const at = name.rfc822Name.lastIndexOf("@")
    return JSON.stringify([
      "rfc822Name",
      at < 0
        ? name.rfc822Name.toLowerCase()
        : name.rfc822Name.slice(0, at + 1) + name.rfc822Name.slice(at + 1).toLowerCase()
    ])
  }
  return JSON.stringify(["encoded", toHex(new Uint8Array(AsnSerializer.serialize(name)))])
}
