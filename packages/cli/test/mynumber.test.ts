// jpcard read mynumber and jpcard jpki certs|sign|pin-status on the simulated My Number card: PINs from the
// environment, the PIN guard's last-try refusal (nothing sent), pin-status without consuming a try, signatures that
// verify.
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MyNumberCard } from "@jpcard/sim"
import * as Fixtures from "@jpcard/sim/fixtures/data"
import { TestDriver } from "@jpcard/transport-pcsc"
import { Jpki, Trust, X509 } from "@jpcard/verify"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import * as D from "../../verify/test/der.js"
import { driverWith, recording, run } from "./helpers.js"

const dir = mkdtempSync(join(tmpdir(), "jpcard-cli-mn-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const simCard = (options: MyNumberCard.Options = {}) => MyNumberCard.make({ seed: 11, ...options })

describe("jpcard read mynumber", () => {
  it("with JPCARD_PIN: the basic information, the My Number and the card face; images and saved reads", async () => {
    const card = simCard()
    const out = join(dir, "read")
    const result = await run(["read", "mynumber", "--json", "--out", out, "--trust-test-ca"], {
      driver: driverWith(card),
      env: { JPCARD_PIN: card.pins.kenhojo }
    })
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as {
      basicInfo: { name: string; birthDate: string }
      myNumber: string
      cardFace: { photo: { file: string; png: string } }
      verification: Array<{ kind: string; verdict: string }>
      saved: Array<string>
    }
    expect(json.basicInfo.name).toBe(card.holder.name)
    expect(json.basicInfo.birthDate).toBe("1985-04-01")
    expect(json.myNumber).toBe(card.holder.myNumber)
    expect(json.verification.map((r) => `${r.kind}:${r.verdict}`)).toEqual([
      "mynumber-kenhojo:verified",
      "mynumber-kenkaku:verified"
    ])
    expect(readdirSync(out).sort()).toEqual([
      "addressImage.png",
      "kenhojo.read.json",
      "kenkaku.read.json",
      "nameImage.png",
      "photo.jp2",
      "photo.png"
    ])
    // The saved reads verify later, without the card.
    const later = await run(["verify", out, "--trust-test-ca"])
    expect(later.code, later.stderr).toBe(0)
    expect(later.stdout).toContain("券面事項入力補助AP: verified")
    expect(later.stdout).toContain("券面事項確認AP: verified")
    // Under the real J-LIS keys the simulator's records are not verified.
    expect((await run(["verify", out])).code).toBe(5)
    expect(result.stdout + result.stderr).not.toContain(`"${card.pins.kenhojo}"`)
  })

  it("--items basic prints no My Number; text output by default", async () => {
    const card = simCard()
    const result = await run(["read", "mynumber", "--items", "basic"], {
      driver: driverWith(card),
      env: { JPCARD_PIN: card.pins.kenhojo }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`name: ${card.holder.name}`)
    expect(result.stdout).not.toContain(card.holder.myNumber)
  })

  it("--items basic,face --verify: the My Number read for the face is neither verified, saved nor printed", async () => {
    const card = simCard()
    const out = join(dir, "no-number")
    const result = await run(["read", "mynumber", "--items", "basic,face", "--json", "--out", out, "--trust-test-ca"], {
      driver: driverWith(card),
      env: { JPCARD_PIN: card.pins.kenhojo }
    })
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as {
      verification: Array<{ kind: string; verdict: string; checks: Array<{ object: string }> }>
    }
    expect(json.verification.map((r) => `${r.kind}:${r.verdict}`)).toEqual([
      "mynumber-kenhojo:verified",
      "mynumber-kenkaku:verified"
    ])
    expect(json.verification[0]!.checks.map((c) => c.object)).not.toContain("kenhojo.EF0001")
    const saved = readFileSync(join(out, "kenhojo.read.json"), "utf8")
    expect(JSON.parse(saved).files.ef0001).toBeUndefined()
    expect(result.stdout + saved).not.toContain(card.holder.myNumber)
  })

  it("with 照合番号B from its parts: the basic information and the card face, no My Number", async () => {
    const card = simCard()
    const h = card.holder
    const result = await run(
      ["read", "mynumber", "--with", "verification-number-b", "--calendar", "japanese", "--json"],
      {
        driver: driverWith(card),
        env: {
          JPCARD_BIRTH_DATE: `${h.birthDate.slice(0, 4)}-${h.birthDate.slice(4, 6)}-${h.birthDate.slice(6)}`,
          JPCARD_EXPIRY_YEAR: h.expiry.slice(0, 4),
          JPCARD_SECURITY_CODE: h.securityCode
        }
      }
    )
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as Record<string, unknown>
    expect(Object.keys(json).sort()).toEqual(["basicInfo", "cardFace", "reader"])
    const whole = await run(["read", "mynumber", "--with", "verification-number-b", "--calendar", "japanese"], {
      driver: driverWith(simCard()),
      env: { JPCARD_VERIFICATION_NUMBER_B: card.verificationCodeB }
    })
    expect(whole.code, whole.stderr).toBe(0)
    const noCalendar = await run(["read", "mynumber", "--with", "verification-number-b"], {
      driver: driverWith(simCard()),
      env: { JPCARD_VERIFICATION_NUMBER_B: card.verificationCodeB }
    })
    expect(noCalendar.code).toBe(2)
  })

  it("a wrong PIN is a card error (exit code 3) saying how many tries are left; it is never retried", async () => {
    const { card, verifiesWithData } = recording(simCard())
    const result = await run(["read", "mynumber"], { driver: driverWith(card), env: { JPCARD_PIN: "9999" } })
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/^jpcard: .*rejected the .*2 tries left/m)
    expect(verifiesWithData()).toHaveLength(1)
    expect(result.stderr).not.toContain("9999")
  })

  it("at the last try: refused without --allow-last-try (exit code 3), and no VERIFY is sent", async () => {
    const sim = simCard({ triesLeft: { kenhojoPin: 1 } })
    const { card, verifiesWithData } = recording(sim)
    const result = await run(["read", "mynumber"], { driver: driverWith(card), env: { JPCARD_PIN: sim.pins.kenhojo } })
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/^jpcard: .*only 1 try is left .*--allow-last-try/m)
    expect(result.stderr).not.toContain("allowLastTry")
    expect(verifiesWithData()).toEqual([])
    expect(sim.triesLeft("kenhojoPin")).toBe(1)

    const allowed = await run(["read", "mynumber", "--allow-last-try", "--items", "basic"], {
      driver: driverWith(card),
      env: { JPCARD_PIN: sim.pins.kenhojo }
    })
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(sim.triesLeft("kenhojoPin")).toBe(3)
  })

  it("a locked PIN is a card error (exit code 3) that sends nothing", async () => {
    const { card, verifiesWithData } = recording(simCard({ triesLeft: { kenhojoPin: 0 } }))
    const result = await run(["read", "mynumber"], { driver: driverWith(card), env: { JPCARD_PIN: "1234" } })
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("locked")
    expect(verifiesWithData()).toEqual([])
  })

  it("refuses a PIN on the command line, and a malformed PIN before any APDU (exit code 2)", async () => {
    const driver = driverWith(simCard())
    for (const args of [
      ["read", "mynumber", "1234"],
      ["read", "mynumber", "--pin", "1234"]
    ]) {
      const result = await run(args, { driver })
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("refusing a PIN on the command line")
      expect(result.stderr).not.toContain("1234")
    }
    const malformed = await run(["read", "mynumber"], { driver, env: { JPCARD_PIN: "12a4" } })
    expect(malformed.code).toBe(2)
    expect(driver.transmitted()).toBe(0)
  })

  it("refuses a PIN or password given where a --…-env flag takes a variable's name, without repeating it", async () => {
    const driver = driverWith(simCard())
    for (const [args, kind, secret] of [
      [["read", "mynumber", "--pin-env", "1234"], "PIN", "1234"],
      [["jpki", "sign", "--key", "authentication", "--digest", "00".repeat(32), "--pin-env", "1234"], "PIN", "1234"],
      [["jpki", "certs", "--signing", "--password-env", "ABC12345"], "signing password", "ABC12345"]
    ] as const) {
      const result = await run(args, { driver })
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(`refusing a ${kind} on the command line`)
      expect(result.stderr).toContain("takes the name of the environment variable that holds the secret")
      expect(result.stderr + result.stdout).not.toContain(secret)
    }
    expect(driver.transmitted()).toBe(0)
    // A variable of that shape that is set is a variable.
    const card = simCard()
    const named = await run(["read", "mynumber", "--pin-env", "MYPIN1"], {
      driver: driverWith(card),
      env: { MYPIN1: card.pins.kenhojo }
    })
    expect(named.code, named.stderr).toBe(0)
  })

  it("a residence card where a My Number card is expected is a card error (exit code 3)", async () => {
    const { ResidenceGen1 } = await import("@jpcard/sim")
    const result = await run(["read", "mynumber"], {
      driver: driverWith(ResidenceGen1.make()),
      env: { JPCARD_PIN: "1234" }
    })
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("not a My Number card")
  })
})

describe("jpcard jpki", () => {
  it("pin-status reads the counters without consuming a try (no VERIFY carries data)", async () => {
    const sim = simCard({ triesLeft: { jpkiAuthPin: 2 } })
    const { card, commands, verifiesWithData } = recording(sim)
    const result = await run(["jpki", "pin-status"], { driver: driverWith(card) })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain("jpki.authenticationPin: 2 tries left of 3")
    expect(result.stdout).toContain("jpki.signingPassword: 5 tries left of 5")
    expect(verifiesWithData()).toEqual([])
    expect(commands.some((c) => c[1] === 0x20)).toBe(true)
    expect(sim.triesLeft("jpkiAuthPin")).toBe(2)
    const all = await run(["jpki", "pin-status", "--all", "--json"], { driver: driverWith(card) })
    const statuses = JSON.parse(all.stdout) as Array<{ credential: string; state: string }>
    expect(statuses.map((s) => s.credential)).toContain("kenhojo.pin")
    expect(verifiesWithData()).toEqual([])
  })

  it("sign --digest with the user-authentication key: a signature that verifies with the card's certificate", async () => {
    const card = simCard()
    const digest = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
    const result = await run(["jpki", "sign", "--key", "authentication", "--digest", digest, "--json"], {
      driver: driverWith(card),
      env: { JPCARD_PIN: card.pins.jpkiAuth }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain("with the user-authentication key")
    const json = JSON.parse(result.stdout) as { key: string; digest: string; signature: string; certificate: string }
    expect(json).toMatchObject({ key: "authentication", digest })
    const trust = await Effect.runPromise(
      Trust.customJpkiTrust([Fixtures.myNumberJpkiAuthCaCertDer, Fixtures.myNumberJpkiSignCaCertDer])
    )
    const report = await Effect.runPromise(
      Jpki.verifySignature(
        {
          certificate: Buffer.from(json.certificate, "base64"),
          signature: Buffer.from(json.signature, "base64"),
          digest: Buffer.from(digest, "hex"),
          purpose: "authentication"
        },
        trust
      )
    )
    expect(report.verdict, report.summary).toBe("verified")
  })

  it("sign --cert-out /dev/null: written, and the device's mode is left as it is (only a user's own files are tightened)", async () => {
    const card = simCard()
    const before = statSync("/dev/null").mode
    const digest = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
    const result = await run(
      ["jpki", "sign", "--key", "authentication", "--digest", digest, "--cert-out", "/dev/null"],
      { driver: driverWith(card), env: { JPCARD_PIN: card.pins.jpkiAuth } }
    )
    expect(result.code, result.stderr).toBe(0)
    expect(statSync("/dev/null").mode).toBe(before)
    // A link to a file: the link's target keeps its mode (what a link points at is not the folder's to decide).
    const target = join(dir, "elsewhere.der")
    writeFileSync(target, "x")
    chmodSync(target, 0o644)
    const link = join(dir, "link.der")
    symlinkSync(target, link)
    const again = await run(["jpki", "sign", "--key", "authentication", "--digest", digest, "--cert-out", link], {
      driver: driverWith(simCard()),
      env: { JPCARD_PIN: card.pins.jpkiAuth }
    })
    expect(again.code, again.stderr).toBe(0)
    expect(statSync(target).mode & 0o777).toBe(0o644)
  })

  it("sign FILE with the signing key: hex on stdout, the signature verifies over the file's bytes", async () => {
    const card = simCard()
    const file = join(dir, "contract.txt")
    writeFileSync(file, "契約書 2026\n")
    const certFile = join(dir, "signing.der")
    const result = await run(["jpki", "sign", file, "--key", "signing", "--cert-out", certFile], {
      driver: driverWith(card),
      env: { JPCARD_SIGNING_PASSWORD: card.pins.jpkiSign.toLowerCase() }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain("with the signing key")
    const signature = result.stdout.trim()
    expect(signature).toMatch(/^[0-9a-f]{512}$/)
    const trust = await Effect.runPromise(Trust.customJpkiTrust([Fixtures.myNumberJpkiSignCaCertDer]))
    const report = await Effect.runPromise(
      Jpki.verifySignature(
        {
          certificate: readFileSync(certFile),
          signature: Buffer.from(signature, "hex"),
          data: readFileSync(file),
          purpose: "signature"
        },
        trust
      )
    )
    expect(report.verdict, report.summary).toBe("verified")
  })

  it("sign refuses a PIN where the file goes, and needs --key (exit code 2)", async () => {
    const card = simCard()
    const pinAsFile = await run(["jpki", "sign", "1234", "--key", "authentication"], { driver: driverWith(card) })
    expect(pinAsFile.code).toBe(2)
    expect(pinAsFile.stderr).toContain("refusing a PIN on the command line")
    const noKey = await run(["jpki", "sign", "--digest", "00".repeat(32)], { driver: driverWith(card) })
    expect(noKey.code).toBe(2)
    const badDigest = await run(["jpki", "sign", "--key", "authentication", "--digest", "abcd"], {
      driver: driverWith(card),
      env: { JPCARD_PIN: "1234" }
    })
    expect(badDigest.code).toBe(2)
  })

  it("certs: the free certificates, and with --signing and the password the signing certificate; --verify", async () => {
    const card = simCard()
    const out = join(dir, "certs")
    const result = await run(["jpki", "certs", "--signing", "--out", out, "--json", "--trust-test-ca"], {
      driver: driverWith(card),
      env: { JPCARD_SIGNING_PASSWORD: card.pins.jpkiSign }
    })
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as {
      certificates: Array<{ certificate: string; subject: string }>
      verification: Array<{ verdict: string }>
    }
    expect(json.certificates.map((c) => c.certificate)).toEqual([
      "authentication",
      "authenticationCa",
      "signing",
      "signingCa"
    ])
    expect(json.verification.map((r) => r.verdict)).toEqual(["verified", "verified"])
    expect(readdirSync(out)).toContain("signing.pem")
    // Against the real J-LIS roots, the simulator's certificates do not verify.
    const real = await run(["jpki", "certs", "--verify"], { driver: driverWith(simCard()) })
    expect(real.code).toBe(5)
  })

  describe("certs --crl: revocation against the CRLs the user supplies", () => {
    // CRLs minted by the simulator's JPKI CAs (verify's test DER encoder, signed with the CA keys of sim/fixtures/keys).
    const authCa = {
      name: D.nameOf(Fixtures.myNumberJpkiAuthCaCertDer, "subject"),
      key: D.simKey("mynumber-jpki-auth-ca")
    }
    const signCa = {
      name: D.nameOf(Fixtures.myNumberJpkiSignCaCertDer, "subject"),
      key: D.simKey("mynumber-jpki-sign-ca")
    }
    const serialOf = (der: Uint8Array) => {
      const parsed = X509.parseSync(der)
      if (parsed instanceof X509.CertificateParseError) throw parsed
      return Uint8Array.from(Buffer.from(parsed.serialNumber, "hex"))
    }
    const crlFile = (
      name: string,
      ca: typeof authCa,
      revoked: D.CrlSpec["revoked"] = [],
      options: { readonly ageDays?: number; readonly delta?: boolean } = {}
    ) => {
      const file = join(dir, name)
      writeFileSync(
        file,
        D.crl({
          issuer: ca.name,
          // The simulated certificates' validity contains the run's clock; the CRL must too.
          thisUpdate: new Date(Date.now() - (options.ageDays ?? 1) * 86_400_000),
          nextUpdate: new Date(Date.now() + 30 * 86_400_000),
          revoked,
          signer: ca.key,
          ...(options.delta ? { extensions: [D.deltaCrlIndicator()] } : {})
        })
      )
      return file
    }
    type Certs = {
      verification: Array<{
        verdict: string
        checks: Array<{ object: string; verdict: string; detail?: string }>
        notes?: Array<string>
      }>
    }

    it("a CRL listing the user-authentication certificate: revoked with its reason (exit code 5); implies --verify", async () => {
      const revoked = crlFile("auth-revoked.crl", authCa, [
        { serial: serialOf(Fixtures.myNumberJpkiAuthCertDer), date: new Date(Date.now() - 3_600_000), reason: 1 }
      ])
      const result = await run(["jpki", "certs", "--json", "--trust-test-ca", "--crl", revoked], {
        driver: driverWith(simCard())
      })
      expect(result.code, result.stderr).toBe(5)
      const json = JSON.parse(result.stdout) as Certs
      expect(json.verification.map((r) => r.verdict)).toEqual(["revoked"])
      const check = json.verification[0]!.checks.find((c) => c.object === "jpki.revocation")
      expect(check?.detail).toContain("keyCompromise")
      expect(result.stderr).not.toContain("was not used")
    })

    it("a CRL that does not list it: verified, and the report no longer says revocation was not checked", async () => {
      const clean = crlFile("auth-clean.crl", authCa)
      const other = crlFile("sign-clean.crl", signCa)
      const result = await run(["jpki", "certs", "--json", "--trust-test-ca", "--crl", clean, "--crl", other], {
        driver: driverWith(simCard())
      })
      expect(result.code, result.stderr).toBe(0)
      const json = JSON.parse(result.stdout) as Certs
      expect(json.verification.map((r) => r.verdict)).toEqual(["verified"])
      expect(json.verification[0]!.checks.map((c) => c.object)).toContain("jpki.revocation")
      expect(json.verification[0]!.notes ?? []).not.toContain("revocation not checked: no CRL was supplied")
      // The signing CA's CRL had no certificate to apply to without --signing: said, not silently dropped.
      expect(result.stderr).toContain(`crl: ${other} was not used`)
      expect(result.stderr).toContain("--signing")
    })

    it("of one issuer's CRLs the complete one is checked, not a newer delta; a certificate left without a CRL is said", async () => {
      const complete = crlFile("auth-complete.crl", authCa, [], { ageDays: 3 })
      const delta = crlFile("auth-delta.crl", authCa, [], { ageDays: 1, delta: true })
      const result = await run(["jpki", "certs", "--json", "--trust-test-ca", "--crl", delta, "--crl", complete], {
        driver: driverWith(simCard())
      })
      expect(result.code, result.stderr).toBe(0)
      expect((JSON.parse(result.stdout) as Certs).verification.map((r) => r.verdict)).toEqual(["verified"])
      expect(result.stderr).toContain(`crl: ${delta} was not used: ${complete}, a complete CRL of the same issuer`)
      // Only the signing CA's CRL: the user-authentication certificate's revocation is not checked, and that is said.
      const signOnly = crlFile("sign-only.crl", signCa)
      const unchecked = await run(["jpki", "certs", "--json", "--trust-test-ca", "--crl", signOnly], {
        driver: driverWith(simCard())
      })
      expect(unchecked.stderr).toContain(
        "crl: none of the CRLs given is issued by the user-authentication certificate's issuer: its revocation was not checked"
      )
      expect((JSON.parse(unchecked.stdout) as Certs).verification[0]!.notes).toContain(
        "revocation not checked: no CRL was supplied"
      )
    })

    it("a file that is not a CRL is a usage error (exit code 2) before anything is sent to the card", async () => {
      const file = join(dir, "not-a.crl")
      writeFileSync(file, "not a CRL")
      const { card, commands } = recording(simCard())
      const result = await run(["jpki", "certs", "--crl", file], { driver: driverWith(card) })
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("not a readable X.509 CRL")
      expect(commands).toEqual([])
      const missing = await run(["jpki", "certs", "--crl", join(dir, "missing.crl")], { driver: driverWith(card) })
      expect(missing.code).toBe(2)
      expect(commands).toEqual([])
    })
  })
})

describe("several readers holding a card", () => {
  const twoReaders = () => {
    const first = recording(simCard())
    const second = recording(MyNumberCard.make({ seed: 12 }))
    const driver = TestDriver.make()
    driver.addReader("Reader A")
    driver.addReader("Reader B")
    driver.insert("Reader A", first.card)
    driver.insert("Reader B", second.card)
    return { driver, first, second }
  }

  it("a command that sends a PIN refuses to choose (exit code 4) and sends nothing; --reader chooses", async () => {
    const { driver, first, second } = twoReaders()
    for (const args of [
      ["read", "mynumber"],
      ["jpki", "sign", "--key", "authentication", "--digest", "00".repeat(32)]
    ]) {
      const result = await run(args, { driver, env: { JPCARD_PIN: "1234" } })
      expect(result.code, result.stderr).toBe(4)
      expect(result.stderr).toMatch(/^jpcard: several readers hold a card .*--reader.*"Reader A", "Reader B"/m)
      expect(first.commands).toEqual([])
      expect(second.commands).toEqual([])
    }
    const chosen = await run(["read", "mynumber", "--reader", "Reader B", "--items", "basic"], {
      driver,
      env: { JPCARD_PIN: MyNumberCard.make({ seed: 12 }).pins.kenhojo }
    })
    expect(chosen.code, chosen.stderr).toBe(0)
    expect(first.commands).toEqual([])
    expect(second.verifiesWithData()).toHaveLength(1)
  })

  it("a command that sends no secret takes the first reader holding a card", async () => {
    const { driver, first, second } = twoReaders()
    const result = await run(["jpki", "pin-status"], { driver })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain(`reader "Reader A"`)
    expect(first.commands.length).toBeGreaterThan(0)
    expect(second.commands).toEqual([])
  })
})
