/**
 * `jpcard jpki certs|sign|pin-status`: the My Number card's 公的個人認証 (JPKI) application.
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { MyNumber } from "@jpcard/core"
import { Crl, type Report, Jpki as VerifyJpki, X509 } from "@jpcard/verify"
import { Console, Effect, FileSystem, Option, Redacted } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { InvalidInputError, SecretOnCommandLineError } from "../Errors.js"
import { toggle } from "../Flags.js"
import { base64, hex, joinPath, makeOutDir, progress, writePrivate } from "../Output.js"
import { interactive, looksLike, refusedArguments, refusedFlag, refuseOnCommandLine, secret } from "../Secrets.js"
import { onCard, readerFlags } from "../Session.js"
import { jpkiTrust, reportText, requireVerified, trustFlags, verifyOptions } from "../Verification.js"

const json = toggle("json", "print JSON instead of text")
const allowLastTry = toggle(
  "allow-last-try",
  "send the PIN or password even when the card has a single try left, where a wrong one locks it for good (only the municipal office can reset it). Without it, jpcard refuses and sends nothing"
)
const pinEnv = Flag.String("pin-env").pipe(
  Flag.withDescription(
    "the environment variable holding the 4-digit user-authentication PIN (利用者証明用電子証明書の暗証番号); when it is not set, jpcard asks for it without echo"
  ),
  Flag.withDefault("JPCARD_PIN")
)
const passwordEnv = Flag.String("password-env").pipe(
  Flag.withDescription(
    "the environment variable holding the signing password (署名用電子証明書の暗証番号, 6–16 letters and digits); when it is not set, jpcard asks for it without echo"
  ),
  Flag.withDefault("JPCARD_SIGNING_PASSWORD")
)
const secretsInstead = (pin: string, password: string) =>
  `Set ${pin} (see --pin-env) or ${password} (see --password-env), or run jpcard in a terminal and type it at the prompt, which does not echo it`

const passwordInstead = (password: string) =>
  `Set ${password} (see --password-env), or run jpcard in a terminal and type it at the prompt, which does not echo it`

const signingPassword = (variable: string) =>
  Effect.flatMap(secret("signing password (署名用電子証明書の暗証番号)", variable), (value) =>
    MyNumber.SigningPassword.parse(Redacted.value(value))
  )
const authenticationPin = (variable: string) =>
  Effect.flatMap(secret("4-digit user-authentication PIN (利用者証明用電子証明書の暗証番号)", variable), (value) =>
    MyNumber.Pin4.parse(Redacted.value(value))
  )

const pem = (der: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${(base64(der).match(/.{1,64}/g) ?? []).join("\n")}\n-----END CERTIFICATE-----\n`

// ---------------------------------------------------------------------------------------------------------------
// certs

const kinds = ["authentication", "authenticationCa", "signing", "signingCa"] as const
const fileNames: Record<(typeof kinds)[number], string> = {
  authentication: "authentication",
  authenticationCa: "authentication-ca",
  signing: "signing",
  signingCa: "signing-ca"
}

const crlFlag = Flag.String("crl").pipe(
  Flag.withDescription(
    "a CRL (DER or PEM) of the J-LIS CA that issued a certificate (the user-authentication CA or the signing CA): revocation is then checked, with the RFC 5280 reason; repeat the flag for each CA. Implies --verify"
  ),
  Flag.atLeast(0)
)

interface SuppliedCrl {
  readonly file: string
  readonly crl: Crl.ParsedCrl
}

/** Reads and parses every `--crl` file before anything is sent to the card: a bad file is a usage error (exit code 2). */
const readCrls = (files: ReadonlyArray<string>) =>
  Effect.forEach(files, (file) =>
    Effect.gen(function* () {
      const fs = yield* FileSystem.FileSystem
      const bytes = yield* fs.readFile(file)
      const crl = yield* Crl.parse(bytes).pipe(
        Effect.mapError((e) => new InvalidInputError({ detail: `--crl ${file}: ${e.message}` }))
      )
      return { file, crl } satisfies SuppliedCrl
    })
  )

/**
 * The CRL for a certificate: among those issued under the certificate's issuer name (compared as the verifier does,
 * attribute by attribute), a complete CRL before a delta CRL (which the verifier does not process), then the newest;
 * or none. Only a pre-selection: the verifier checks the CRL's signature under the issuer's key, its validity and its
 * scope.
 */
const crlFor = (issuerKey: string | undefined, crls: ReadonlyArray<SuppliedCrl>): SuppliedCrl | undefined =>
  crls
    .filter((c) => issuerKey !== undefined && c.crl.issuerKey === issuerKey)
    .reduce<SuppliedCrl | undefined>(
      (best, c) =>
        best === undefined ||
        (best.crl.delta && !c.crl.delta) ||
        (best.crl.delta === c.crl.delta && c.crl.thisUpdate > best.crl.thisUpdate)
          ? c
          : best,
      undefined
    )

const certs = Command.make(
  "certs",
  {
    ...readerFlags,
    signing: toggle(
      "signing",
      "also read the signing certificate (署名用電子証明書), which needs the signing password and holds the holder's name, address, birth date and sex"
    ),
    passwordEnv,
    allowLastTry,
    out: Flag.String("out").pipe(
      Flag.withDescription("write each certificate to this folder as DER (.der) and PEM (.pem)"),
      Flag.optional
    ),
    json,
    verify: toggle(
      "verify",
      "verify the certificates up to the J-LIS roots (exit code 5 when they do not verify); implied by --trust-test-ca and --crl. Revocation is checked only against the CRLs given with --crl"
    ),
    trustTestCa: trustFlags.trustTestCa,
    crl: crlFlag,
    password: refusedFlag("password"),
    args: refusedArguments
  },
  (c) =>
    Effect.gen(function* () {
      yield* refuseOnCommandLine(c.args, [["signing password", c.password]], passwordInstead(c.passwordEnv), [
        ["--password-env", c.passwordEnv]
      ])
      const password = c.signing ? yield* signingPassword(c.passwordEnv) : undefined
      const crls = yield* readCrls(c.crl)
      const certificates = yield* onCard(
        MyNumber.Jpki.readCertificates({ signingPassword: password, allowLastTry: c.allowLastTry }),
        c,
        { sendsSecret: password !== undefined }
      )
      const out: Array<Record<string, unknown>> = []
      const issuers: Partial<Record<(typeof kinds)[number], string>> = {}
      for (const kind of kinds) {
        const der = certificates[kind]
        if (der === undefined) continue
        const parsed = yield* Effect.result(X509.parse(der))
        const entry: Record<string, unknown> = { certificate: kind }
        if (parsed._tag === "Success") {
          const p = parsed.success
          issuers[kind] = p.issuerKey
          Object.assign(entry, {
            subject: p.subject,
            issuer: p.issuer,
            serialNumber: p.serialNumber,
            notBefore: p.notBefore.toISOString(),
            notAfter: p.notAfter.toISOString(),
            publicKey: p.publicKeyDescription,
            sha256: p.sha256
          })
        } else entry.unreadable = parsed.failure.message
        if (Option.isSome(c.out)) {
          yield* makeOutDir(c.out.value)
          const file = yield* joinPath(c.out.value, fileNames[kind])
          yield* writePrivate(`${file}.der`, der)
          yield* writePrivate(`${file}.pem`, pem(der))
          entry.file = `${file}.der`
        }
        if (c.json) entry.der = base64(der)
        out.push(entry)
      }
      const reports: Array<Report.Report> = []
      if (c.verify || c.trustTestCa || crls.length > 0) {
        const trust = yield* jpkiTrust(c)
        const used = new Map<SuppliedCrl, string>()
        const withCrl = (issuer: string | undefined, certificate: string) => {
          const supplied = crlFor(issuer, crls)
          if (supplied === undefined) {
            // Revocation was asked for: a certificate left without a CRL is said here, not only in its report's notes.
            if (crls.length > 0)
              progress(
                `crl: none of the CRLs given is issued by the ${certificate} certificate's issuer: its revocation was not checked`
              )
            return {}
          }
          used.set(supplied, certificate)
          return { crl: supplied.crl }
        }
        reports.push(
          yield* VerifyJpki.verifyCertificate(
            {
              certificate: certificates.authentication,
              intermediates: [certificates.authenticationCa],
              purpose: "authentication",
              ...withCrl(issuers.authentication, "user-authentication")
            },
            trust,
            verifyOptions
          )
        )
        if (certificates.signing !== undefined)
          reports.push(
            yield* VerifyJpki.verifyCertificate(
              {
                certificate: certificates.signing,
                intermediates: [certificates.signingCa],
                purpose: "signature",
                ...withCrl(issuers.signing, "signing")
              },
              trust,
              verifyOptions
            )
          )
        // A CRL that applied to nothing checked nothing: say so, rather than let it look as if it had been used.
        for (const supplied of crls) {
          if (used.has(supplied)) continue
          const chosen = [...used.keys()].find((u) => u.crl.issuerKey === supplied.crl.issuerKey)
          progress(
            chosen !== undefined
              ? `crl: ${supplied.file} was not used: ${chosen.file}, ${chosen.crl.delta === supplied.crl.delta ? "a newer CRL of the same issuer, was checked instead" : "a complete CRL of the same issuer, was checked instead (delta CRLs are not processed)"}`
              : `crl: ${supplied.file} was not used: it is issued by ${supplied.crl.issuer}, which issued none of the certificates verified${certificates.signing === undefined ? " (the signing certificate is read only with --signing)" : ""}`
          )
        }
      }
      if (c.json)
        yield* Console.log(
          JSON.stringify({ certificates: out, ...(reports.length > 0 ? { verification: reports } : {}) }, null, 2)
        )
      else {
        for (const entry of out) {
          const { certificate, der: _der, ...rest } = entry
          yield* Console.log(`${certificate}:`)
          for (const [k, v] of Object.entries(rest)) yield* Console.log(`  ${k}: ${String(v)}`)
        }
        for (const report of reports) yield* Console.log(`verification: ${reportText(report)}`)
      }
      yield* requireVerified(reports)
    })
).pipe(
  Command.withDescription(
    "Read the JPKI certificates: user authentication (利用者証明用) and its CA, the signing CA, and with --signing the signing certificate (needs $JPCARD_SIGNING_PASSWORD or the prompt)"
  )
)

// ---------------------------------------------------------------------------------------------------------------
// sign

const keys = {
  authentication: {
    name: "the user-authentication key (利用者証明用電子証明書の鍵, JPKI EF0017)",
    certificate: "the user-authentication certificate (EF000A)"
  },
  signing: {
    name: "the signing key (署名用電子証明書の鍵, JPKI EF001A)",
    certificate: "the signing certificate (EF0001)"
  }
} as const

const sha256Of = (file: string | undefined) =>
  Effect.tryPromise({
    try: () =>
      new Promise<Uint8Array>((resolve, reject) => {
        const hash = createHash("sha256")
        const input = file === undefined ? process.stdin : createReadStream(file)
        input.on("data", (chunk: Buffer | string) => hash.update(chunk))
        input.on("error", reject)
        input.on("end", () => resolve(new Uint8Array(hash.digest())))
      }),
    catch: (cause) =>
      new InvalidInputError({
        detail: `cannot read ${file ?? "standard input"}: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  })

const sign = Command.make(
  "sign",
  {
    file: Argument.String("file").pipe(
      Argument.withDescription(
        "the file to sign: its SHA-256 is what the card signs. `-` or none: standard input. Or give --digest"
      ),
      Argument.optional
    ),
    ...readerFlags,
    key: Flag.Literals("key", ["authentication", "signing"]).pipe(
      Flag.withDescription(
        "which key signs (required): authentication (利用者証明用, the 4-digit PIN: proves it is the holder) or signing (署名用, the signing password: a legally binding electronic signature)"
      )
    ),
    digest: Flag.String("digest").pipe(
      Flag.withDescription("sign this SHA-256 digest (64 hex digits) instead of hashing a file"),
      Flag.optional
    ),
    format: Flag.Literals("format", ["hex", "base64", "raw"]).pipe(
      Flag.withDescription("how to write the signature: hex (default), base64, or raw bytes"),
      Flag.withDefault("hex" as const)
    ),
    out: Flag.String("out").pipe(
      Flag.withDescription("write the signature to this file instead of stdout"),
      Flag.optional
    ),
    certOut: Flag.String("cert-out").pipe(
      Flag.withDescription("also write the signing key's certificate (DER) to this file, for the verifier"),
      Flag.optional
    ),
    json: toggle(
      "json",
      "print JSON instead: the key, the algorithm, the digest, the signature (base64) and the key's certificate (base64 DER)"
    ),
    pinEnv,
    passwordEnv,
    allowLastTry,
    pin: refusedFlag("pin"),
    password: refusedFlag("password")
  },
  (c) =>
    Effect.gen(function* () {
      yield* refuseOnCommandLine(
        [],
        [
          ["PIN", c.pin],
          ["signing password", c.password]
        ],
        secretsInstead(c.pinEnv, c.passwordEnv),
        [
          ["--pin-env", c.pinEnv],
          ["--password-env", c.passwordEnv]
        ]
      )
      const fs = yield* FileSystem.FileSystem
      const file = Option.getOrUndefined(c.file)
      if (file !== undefined && Option.isSome(c.digest))
        return yield* new InvalidInputError({ detail: "give either a FILE or --digest, not both" })
      // A PIN typed where the file goes: refused without saying the value, before it is used as a path.
      if (file !== undefined && file !== "-" && !(yield* fs.exists(file)) && looksLike(file) !== "argument")
        return yield* new SecretOnCommandLineError({
          kind: looksLike(file),
          instead: secretsInstead(c.pinEnv, c.passwordEnv)
        })
      let digest: Uint8Array
      if (Option.isSome(c.digest)) {
        const text = c.digest.value.trim()
        if (!/^[0-9a-fA-F]{64}$/.test(text))
          return yield* new InvalidInputError({ detail: "--digest takes a SHA-256 digest: 64 hexadecimal digits" })
        digest = Uint8Array.from(Buffer.from(text, "hex"))
      } else {
        if ((file === undefined || file === "-") && interactive())
          return yield* new InvalidInputError({
            detail: "nothing to sign: give a FILE, pipe the data on standard input, or pass --digest"
          })
        digest = yield* sha256Of(file === "-" ? undefined : file)
      }
      const request: MyNumber.Jpki.SignRequest =
        c.key === "authentication"
          ? { key: "authentication", pin: yield* authenticationPin(c.pinEnv) }
          : { key: "signing", password: yield* signingPassword(c.passwordEnv) }
      const { signature, certificate } = yield* onCard(
        Effect.gen(function* () {
          progress(`signing with ${keys[c.key].name}: checking the tries left, then one VERIFY`)
          const signature = yield* MyNumber.Jpki.sign(request, digest, { allowLastTry: c.allowLastTry })
          // Same session: the signing certificate is readable now that the password was verified.
          const certificate = yield* MyNumber.Jpki.readCertificateFile(c.key)
          return { signature, certificate }
        }),
        c,
        { sendsSecret: true }
      )
      progress(
        `signed SHA-256 ${hex(digest).toLowerCase()} with ${keys[c.key].name}: RSASSA-PKCS1-v1_5 with SHA-256 (sha256WithRSAEncryption); it verifies with ${keys[c.key].certificate}`
      )
      if (Option.isSome(c.certOut)) yield* writePrivate(c.certOut.value, certificate)
      let output: Uint8Array | string
      if (c.json)
        output = `${JSON.stringify(
          {
            key: c.key,
            keyName: keys[c.key].name,
            algorithm: "RSASSA-PKCS1-v1_5 SHA-256",
            digest: hex(digest).toLowerCase(),
            signature: base64(signature),
            certificate: base64(certificate)
          },
          null,
          2
        )}\n`
      else if (c.format === "raw") output = signature
      else output = `${c.format === "hex" ? hex(signature).toLowerCase() : base64(signature)}\n`
      if (Option.isSome(c.out)) {
        yield* writePrivate(c.out.value, output)
        progress(`signature written to ${c.out.value}`)
      } else if (typeof output === "string") yield* Console.log(output.replace(/\n$/, ""))
      else yield* Effect.sync(() => process.stdout.write(output))
    })
).pipe(
  Command.withDescription(
    "Sign with a JPKI key of the card: the SHA-256 of a FILE (or standard input), or --digest. The PIN ($JPCARD_PIN, see --pin-env) or signing password ($JPCARD_SIGNING_PASSWORD, see --password-env) comes from the environment or a prompt without echo; it is sent once, never retried, and not at all when one try is left unless --allow-last-try is given"
  )
)

// ---------------------------------------------------------------------------------------------------------------
// pin-status

const describeStatus = (status: MyNumber.PinGuard.PinStatus) => {
  const label = MyNumber.Applications.credentials[status.credential].label
  switch (status.state) {
    case "available":
      return `${status.credential}: ${status.triesLeft} ${status.triesLeft === 1 ? "try" : "tries"} left${status.maxTries === undefined ? "" : ` of ${status.maxTries}`}${status.triesLeft === 1 ? " (the next wrong value locks it)" : ""} — ${label}`
    case "locked":
      return `${status.credential}: LOCKED (only the municipal office can reset it) — ${label}`
    case "unknown":
      return `${status.credential}: the card did not report its tries (SW ${status.sw.toString(16).toUpperCase().padStart(4, "0")}) — ${label}`
    case "absent":
      return `${status.credential}: not on this card — ${label}`
  }
}

const pinStatus = Command.make(
  "pin-status",
  {
    ...readerFlags,
    all: toggle("all", "every PIN and key of the card (card text, card face, common, 住基), not only JPKI's two"),
    json,
    args: refusedArguments
  },
  (c) =>
    Effect.gen(function* () {
      yield* refuseOnCommandLine(c.args, [], "pin-status needs no secret")
      const statuses = yield* onCard(c.all ? MyNumber.MyNumberCard.readPinStatus() : MyNumber.Jpki.readPinStatus(), c, {
        sendsSecret: false
      })
      if (c.json) yield* Console.log(JSON.stringify(statuses, null, 2))
      else for (const status of statuses) yield* Console.log(describeStatus(status))
    })
).pipe(
  Command.withDescription(
    "How many tries each PIN has left (JPKI's user-authentication PIN and signing password; --all for every key). Reads the card's counters with the VERIFY query that carries no data: it never consumes a try"
  )
)

export const jpki = Command.make("jpki").pipe(
  Command.withDescription("The My Number card's 公的個人認証 (JPKI) application: certificates, signatures, PIN status"),
  Command.withSubcommands([certs, sign, pinStatus])
)
