/**
 * 公的個人認証AP (JPKI, AID `D392F000260100000001`): token information, certificate availability, the four
 * certificates (DER, length from the DER header), signatures with the user-authentication key (4-digit PIN) or the
 * signing key (signing password), and the retry status of both secrets. shared/reference/mynumber-card.md §3.1, §8.3,
 * §8.4, §8.5. The same AID answers on a smartphone (スマホ用電子証明書); `readTokenInfo` tells which.
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import * as Apdu from "../../apdu/Apdu.js"
import { copy } from "../../Bytes.js"
import * as Input from "../../Input.js"
import * as Iso7816 from "../../iso7816/Iso7816.js"
import * as Credentials from "../Credentials.js"
import { CardDataError, InvalidCredentialError, InvalidDigestError } from "../Errors.js"
import { Pin4, SigningPassword } from "../Pin.js"
import * as PinGuard from "../PinGuard.js"
import { readBinaryAt, readTlvFile, selectApplication, selectEf } from "../Read.js"
import { ascii, sha256DigestInfo } from "../Records.js"

export const files = {
  signingCertificate: 0x0001,
  signingCaCertificate: 0x0002,
  tokenInfo: 0x0006,
  certificateAvailability: 0x0008,
  authenticationCertificate: 0x000a,
  authenticationCaCertificate: 0x000b,
  authenticationKey: 0x0017,
  signingKey: 0x001a
} as const

/** SELECT the JPKI application (`6A 82`: `NotMyNumberCardError`: not a My Number card). */
export const select = () => selectApplication("jpki")

// ---------------------------------------------------------------------------------------------------------------
// Token information and certificate availability

export type TokenKind = "card" | "androidSmartphone" | "iPhone" | "jukiCard" | "unknown"

export interface TokenInfo {
  /** The PKCS#11 token label, trailing spaces and NULs removed, e.g. `JPKIAPICCTOKEN2`. */
  readonly label: string
  /** What answers as the JPKI application: the card, a phone's secure element, or an old 住基カード. */
  readonly kind: TokenKind
}

const tokenKinds: Record<string, TokenKind> = {
  JPKIAPICCTOKEN2: "card",
  JPKIAPGPSETOKEN: "androidSmartphone",
  JPKIAPIOSTOKEN: "iPhone",
  JPKIAPICCTOKEN: "jukiCard"
}

/** EF0006 label (§8.3: `00 B0 00 00 20`, the first 32 bytes of the 160-byte `CK_TOKEN_INFO`). Free. */
export const readTokenInfoFile = Effect.fn("mynumber.jpki.readTokenInfoFile")(function* () {
  const step = "mynumber.jpki.read.tokenInfo"
  yield* selectEf(files.tokenInfo, step)
  const data = yield* readBinaryAt(0, 32, step)
  const label = ascii(data.subarray(0, 32).filter((b) => b !== 0x00))?.trimEnd()
  if (data.length < 32 || label === undefined)
    return yield* new CardDataError({ step, field: "jpki EF0006 label", detail: "not a 32-byte ASCII label" })
  return { label, kind: tokenKinds[label] ?? "unknown" } satisfies TokenInfo
})

export const readTokenInfo = Effect.fn("mynumber.jpki.readTokenInfo")(function* () {
  yield* select()
  return yield* readTokenInfoFile()
})

/** EF0008 (§3.1): which certificates the card carries. `8F` means present; the signing one is absent under 15. */
export interface CertificateAvailability {
  readonly signing: boolean
  readonly authentication: boolean
  /** The 3 bytes as stored (the third byte's meaning is unknown). */
  readonly raw: Uint8Array
}

export const readCertificateAvailabilityFile = Effect.fn("mynumber.jpki.readCertificateAvailabilityFile")(function* () {
  const step = "mynumber.jpki.read.certificateAvailability"
  yield* selectEf(files.certificateAvailability, step)
  const data = yield* readBinaryAt(0, 256, step)
  if (data.length !== 3)
    return yield* new CardDataError({
      step,
      field: "jpki EF0008",
      detail: `${data.length} bytes, 3 expected (the file has no filler)`
    })
  return {
    signing: data[0] === 0x8f,
    authentication: data[1] === 0x8f,
    raw: copy(data)
  } satisfies CertificateAvailability
})

export const readCertificateAvailability = Effect.fn("mynumber.jpki.readCertificateAvailability")(function* () {
  yield* select()
  return yield* readCertificateAvailabilityFile()
})

// ---------------------------------------------------------------------------------------------------------------
// Certificates

export type CertificateKind = "authentication" | "authenticationCa" | "signing" | "signingCa"

const certificateEf: Record<CertificateKind, number> = {
  authentication: files.authenticationCertificate,
  authenticationCa: files.authenticationCaCertificate,
  signing: files.signingCertificate,
  signingCa: files.signingCaCertificate
}

/**
 * One certificate of the selected application, DER, cut to the length its header gives (§5: the first READ BINARY
 * carries the `30 82 HH LL` header; the rest follows in the fewest chunks, or the whole EF comes in one extended
 * read). `signing` needs the signing password verified first.
 */
const certificateKindCheck: Input.Check = {
  expected: `a certificate kind (${Object.keys(certificateEf).join(", ")})`,
  is: (value) => typeof value === "string" && Object.hasOwn(certificateEf, value)
}

const freeCertificateKindCheck: Input.Check = {
  expected: "a certificate kind that needs no secret (authentication, authenticationCa, signingCa)",
  is: (value) => value === "authentication" || value === "authenticationCa" || value === "signingCa"
}

export const readCertificateFile = Effect.fn("mynumber.jpki.readCertificateFile")(function* (kind: CertificateKind) {
  // Checked: an unknown kind would SELECT EF 0000 (no such certificate), not fail.
  yield* Input.requireArgument("mynumber.jpki.readCertificateFile", "kind", kind, certificateKindCheck)
  const step = `mynumber.jpki.read.${kind}Certificate`
  yield* selectEf(certificateEf[kind], step)
  const { raw, object } = yield* readTlvFile({
    step,
    field: `jpki EF${certificateEf[kind].toString(16).toUpperCase().padStart(4, "0")} (${kind} certificate)`,
    tag: 0x30
  })
  return copy(raw.subarray(0, object.end))
})

/** A certificate that needs no secret: user authentication (EF000A), its CA (EF000B), the signing CA (EF0002). */
export const readCertificate = Effect.fn("mynumber.jpki.readCertificate")(function* (
  kind: "authentication" | "authenticationCa" | "signingCa"
) {
  yield* Input.requireArgument("mynumber.jpki.readCertificate", "kind", kind, freeCertificateKindCheck)
  yield* select()
  return yield* readCertificateFile(kind)
})

/** The signing certificate (EF0001): SELECT, guarded VERIFY of the signing password, read. */
export const readSigningCertificate = Effect.fn("mynumber.jpki.readSigningCertificate")(function* (
  credential: Credentials.WithSigningPassword,
  options: PinGuard.VerifyOptions = {}
) {
  // A JavaScript caller may pass anything: no `password` is a malformed password (typed), not a TypeError.
  const password = Credentials.has(credential, "password") ? credential.password : undefined
  const resolved = yield* Effect.fromResult(
    Credentials.signingPassword("jpki.signingPassword", password as string | SigningPassword)
  )
  yield* PinGuard.requireVerifyOptions("mynumber.jpki.readSigningCertificate", options)
  yield* select()
  yield* PinGuard.verify(resolved.credential, resolved.secret, options)
  return yield* readCertificateFile("signing")
})

export interface Certificates {
  readonly authentication: Uint8Array
  readonly authenticationCa: Uint8Array
  readonly signingCa: Uint8Array
  /** Present when a signing password was given. */
  readonly signing?: Uint8Array
}

export interface ReadCertificatesOptions extends PinGuard.VerifyOptions {
  /** The signing password, to read the signing certificate too. */
  readonly signingPassword?: string | SigningPassword | undefined
}

/** All certificates in one session (§8.3): the free ones, then, with a signing password, the signing certificate. */
export const readCertificates = Effect.fn("mynumber.jpki.readCertificates")(function* (
  options: ReadCertificatesOptions = {}
) {
  // The signing password's own check (below) makes a wrong one an InvalidCredentialError.
  yield* PinGuard.requireVerifyOptions("mynumber.jpki.readCertificates", options)
  const password =
    options.signingPassword === undefined
      ? undefined
      : yield* Effect.fromResult(Credentials.signingPassword("jpki.signingPassword", options.signingPassword))
  yield* select()
  const authentication = yield* readCertificateFile("authentication")
  const authenticationCa = yield* readCertificateFile("authenticationCa")
  if (password === undefined) {
    const signingCa = yield* readCertificateFile("signingCa")
    const certificates: Certificates = { authentication, authenticationCa, signingCa }
    return certificates
  }
  yield* PinGuard.verify(password.credential, password.secret, options)
  const signing = yield* readCertificateFile("signing")
  const signingCa = yield* readCertificateFile("signingCa")
  const certificates: Certificates = { authentication, authenticationCa, signingCa, signing }
  return certificates
})

// ---------------------------------------------------------------------------------------------------------------
// Signing

/** Which key signs, with its secret: the user-authentication key (4-digit PIN) or the signing key (password). */
export type SignRequest =
  | { readonly key: "authentication"; readonly pin: string | Pin4 }
  | { readonly key: "signing"; readonly password: string | SigningPassword }

const resolveSign = (request: SignRequest): Result.Result<Credentials.Resolved, InvalidCredentialError> => {
  // Checked at run time too: a JavaScript caller may pass anything, `undefined` and strings included.
  const input = (typeof request === "object" && request !== null ? request : {}) as {
    readonly key?: unknown
    readonly pin?: unknown
    readonly password?: unknown
  }
  if (input.key === "authentication" && (typeof input.pin === "string" || input.pin instanceof Pin4))
    return Credentials.pin("jpki.authenticationPin", input.pin)
  if (input.key === "signing" && (typeof input.password === "string" || input.password instanceof SigningPassword))
    return Credentials.signingPassword("jpki.signingPassword", input.password)
  return Result.fail(
    new InvalidCredentialError({ input: input.key === "signing" ? "signingPassword" : "pin4", reason: "Format" })
  )
}

/**
 * Signs a SHA-256 digest (§8.4): SELECT, guarded VERIFY, SELECT the key EF, `80 2A 00 80 33 <DigestInfo> 00`. The
 * card pads the DigestInfo (PKCS#1 v1.5), so the result verifies as `sha256WithRSAEncryption` with the key of the
 * matching certificate. The digest and the secret are checked before any APDU. Six APDUs from a fresh session.
 */
export const sign = Effect.fn("mynumber.jpki.sign")(function* (
  request: SignRequest,
  digest: Uint8Array,
  options: PinGuard.VerifyOptions = {}
) {
  if (!(digest instanceof Uint8Array) || digest.length !== 32)
    return yield* new InvalidDigestError({ length: digest instanceof Uint8Array ? digest.length : 0 })
  const resolved = yield* Effect.fromResult(resolveSign(request))
  yield* PinGuard.requireVerifyOptions("mynumber.jpki.sign", options)
  yield* select()
  yield* PinGuard.verify(resolved.credential, resolved.secret, options)
  const step = `mynumber.jpki.sign.${request.key}`
  yield* selectEf(request.key === "authentication" ? files.authenticationKey : files.signingKey, step)
  const signature = yield* Iso7816.command(Apdu.command(0x80, 0x2a, 0x00, 0x80, sha256DigestInfo(digest), 256), {
    step
  })
  if (signature.length === 0)
    return yield* new Apdu.MalformedResponseError({ step, detail: "no signature in the answer" })
  return copy(signature)
})

/** The tries left of the user-authentication PIN and the signing password, consuming none (§8.5). */
export const readPinStatus = Effect.fn("mynumber.jpki.readPinStatus")(function* () {
  yield* select()
  return [yield* PinGuard.status("jpki.authenticationPin"), yield* PinGuard.status("jpki.signingPassword")]
})
