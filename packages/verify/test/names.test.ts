// GeneralName comparison keys (RFC 5280 §7): URIs with scheme and host compared without case, distinguished names
// after a reduced RFC 4518 preparation, DNS names and mail hosts without case, every other form exactly. Equal keys:
// matching names.
import { describe, expect, it } from "@effect/vitest"
import { AsnParser } from "@peculiar/asn1-schema"
import { GeneralName } from "@peculiar/asn1-x509"
import { generalNameKey, prepareString, uriKey } from "../src/internal/names.js"
import * as D from "./der.js"

const key = (der: Uint8Array) => generalNameKey(AsnParser.parse(der, GeneralName))
const same = (a: Uint8Array, b: Uint8Array) => key(a) === key(b)

describe("uniformResourceIdentifier (§7.4)", () => {
  it("scheme and host without regard to case; userinfo, path, query exactly", () => {
    expect(uriKey("HTTP://CRL.Example.JP:8080/Path/A.crl?X=1")).toBe("http://crl.example.jp:8080/Path/A.crl?X=1")
    expect(uriKey("LDAP://User@Dir.Example/CN=CRL1,O=JPKI")).toBe("ldap://User@dir.example/CN=CRL1,O=JPKI")
    expect(uriKey("URN:Example:ABC")).toBe("urn:Example:ABC")
    expect(uriKey("no scheme at all")).toBe("no scheme at all")
    expect(same(D.uri("http://crl.example/a.crl"), D.uri("HTTP://CRL.EXAMPLE/a.crl"))).toBe(true)
    expect(same(D.uri("http://crl.example/a.crl"), D.uri("http://crl.example/A.crl"))).toBe(false)
    expect(same(D.uri("ldap://u@crl.example/x"), D.uri("ldap://U@crl.example/x"))).toBe(false)
  })
})

describe("directoryName (§7.1)", () => {
  const C = "2.5.4.6"
  const O = "2.5.4.10"
  const CN = "2.5.4.3"
  it("string values prepared (case, space, NFKC, string type), types and RDN order kept", () => {
    expect(prepareString("  CRL \t Distribution\u3000Point  ")).toBe("crl distribution point")
    expect(prepareString("ＪＰＫＩ")).toBe("jpki")
    const a = D.directoryName(D.dn([D.atv(C, "JP", 0x13)], [D.atv(O, "JPKI")], [D.atv(CN, "CRL  Point 1")]))
    const b = D.directoryName(D.dn([D.atv(C, "jp")], [D.atv(O, "ＪＰＫＩ", 0x0c)], [D.atv(CN, " crl point 1 ", 0x13)]))
    expect(same(a, b)).toBe(true)
    // Another order of RDNs, another attribute type, another value: no match.
    expect(same(a, D.directoryName(D.dn([D.atv(O, "JPKI")], [D.atv(C, "JP")], [D.atv(CN, "CRL Point 1")])))).toBe(false)
    expect(
      same(a, D.directoryName(D.dn([D.atv(C, "JP")], [D.atv(O, "JPKI")], [D.atv("2.5.4.11", "CRL Point 1")])))
    ).toBe(false)
    expect(same(a, D.directoryName(D.dn([D.atv(C, "JP")], [D.atv(O, "JPKI")], [D.atv(CN, "CRL Point 2")])))).toBe(false)
    // A multi-valued RDN is a set: its attributes in any order.
    expect(
      same(
        D.directoryName(D.dn([D.atv(O, "JPKI"), D.atv(CN, "x")])),
        D.directoryName(D.dn([D.atv(CN, "X"), D.atv(O, "jpki")]))
      )
    ).toBe(true)
  })

  it("a URI and a directoryName never match, whatever their text", () => {
    expect(same(D.uri("CN=x"), D.directoryName(D.dn([D.atv(CN, "x")])))).toBe(false)
  })
})

describe("dNSName (§7.2) and rfc822Name (§7.5)", () => {
  it("a DNS name without regard to case", () => {
    expect(same(D.dnsName("crl.example"), D.dnsName("CRL.Example"))).toBe(true)
    expect(same(D.dnsName("crl.example"), D.dnsName("crl2.example"))).toBe(false)
    expect(same(D.dnsName("crl.example"), D.uri("crl.example"))).toBe(false)
  })

  it("a mailbox: the local part exactly, the host without regard to case", () => {
    expect(same(D.rfc822Name("ca@JPKI.Example"), D.rfc822Name("ca@jpki.example"))).toBe(true)
    expect(same(D.rfc822Name("CA@jpki.example"), D.rfc822Name("ca@jpki.example"))).toBe(false)
    // A host alone (all mailboxes there) without regard to case; it is not the DNS name of the same text.
    expect(same(D.rfc822Name("JPKI.example"), D.rfc822Name("jpki.EXAMPLE"))).toBe(true)
    expect(same(D.rfc822Name("jpki.example"), D.dnsName("jpki.example"))).toBe(false)
  })
})
