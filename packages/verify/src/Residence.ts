/**
 * Residence card signatures (在留カード, 特別永住者証明書), both generations.
 *
 * - Generation 1 (card types "1", "2"): the check code (DF3/EF01 `DA`) is RSA-2048 PKCS#1 v1.5 over
 *   SHA-256(front image value (7000) ‖ face image value (3000)) with the key of the `DB` certificate. The spec's figure
 *   (SPEC1 §3.4.3.1 図3-4) shows a bare hash in the block; deployed verifiers expect a DigestInfo. Both are accepted
 *   and the report says which was found (`form`).
 * - Generation 2 (card types "05", "06"): ECDSA P-384 with SHA-256 over printed entries (53) ‖ face (3000) ‖ name
 *   image (2500); the signature (`DC`) as raw `r ‖ s` (96 bytes) or DER.
 *
 * Inputs are raw bytes (the values of the data objects), so a saved read verifies without the reader; adapters take
 * the core models (`fromGen1Card`, `fromGen2Card`) or the raw EFs (`fromGen1Files`, `fromGen2Files`).
 *
 * @since 0.1.0
 */
import type { ResidenceCard } from "@jpcard/core"
import { Effect } from "effect"
import { VerifyInputError } from "./Errors.js"
import * as Args from "./internal/args.js"
import { concat, equalConstantTime, isAllZero } from "./internal/bytes.js"
import * as Chain from "./internal/chain.js"
import {
  canRecover,
  curveFieldLength,
  digestInfoPrefix,
  digestSync,
  ecdsaVerify,
  isSha256DigestInfo,
  isType1Encoding,
  Parts,
  pkcs1Type1Payload,
  type RsaPublicKey,
  rsaPublic,
  rsaRecoverPayload,
  rsaVerifyPkcs1,
  type Signed
} from "./internal/crypto.js"
import { type VerifyOptions, verifying } from "./internal/run.js"
import * as Tlv from "./internal/tlv.js"
import * as Report from "./Report.js"
import type { ResidenceTrust } from "./Trust.js"
import { CertificateParseError, describeKey, ecdsaDerToRaw, type ParsedCertificate, parseSync } from "./X509.js"

export type { VerifyOptions }

/** A residence card as read by `@jpcard/core` (either generation). */
export type ResidenceCardModel = ResidenceCard.ResidenceCard
type ResidenceCardGen1 = Extract<ResidenceCardModel, { readonly generation: 1 }>
type ResidenceCardGen2 = Extract<ResidenceCardModel, { readonly generation: 2 }>

export type { ResidenceCardGen1, ResidenceCardGen2 }

// ---------------------------------------------------------------------------------------------------------------
// Inputs

/** What a first-generation signature covers and carries: the values of D0, D1, DA and DB. */
export interface Gen1Input {
  /** `D0` value: the front image, 7000 bytes with its zero padding. */
  readonly frontImageValue: Uint8Array
  /** `D1` value: the face image, 3000 bytes with its zero padding. */
  readonly faceImageValue: Uint8Array
  /** `DA` value: the 256-byte check code. Empty (or all zero) when the card carries no signature. */
  readonly checkCode: Uint8Array
  /** `DB` value: the X.509 certificate, zero padding allowed. Empty when the card carries no signature. */
  readonly certificate: Uint8Array
}

/** What a second-generation signature covers and carries. */
export interface Gen2Input {
  /**
   * The values of the DF1/EF02 data objects (C5 … CD) concatenated in file order: 53 bytes on a 在留カード, 34 on a
   * 特別永住者証明書 (padded here with 00 to 53, as signed).
   */
  readonly printedEntries: Uint8Array
  /** `D1` value: the face image, 3000 bytes (shorter values are padded with 00, as signed). */
  readonly faceImageValue: Uint8Array
  /** `D0` value: the name image, 2500 bytes (shorter values are padded with 00). */
  readonly nameImageValue: Uint8Array
  /** `DC` value: 96 bytes raw `r ‖ s`, or a DER Ecdsa-Sig-Value. Empty when the card carries no signature. */
  readonly signature: Uint8Array
  /** `DD` value: the X.509 certificate. */
  readonly certificate: Uint8Array
}

/** What the verifications check of their input before reading it (a server may have mapped it from JSON). */
const gen1Fields = {
  frontImageValue: Args.bytes,
  faceImageValue: Args.bytes,
  checkCode: Args.bytes,
  certificate: Args.bytes
}
const gen2Fields = {
  printedEntries: Args.bytes,
  faceImageValue: Args.bytes,
  nameImageValue: Args.bytes,
  signature: Args.bytes,
  certificate: Args.bytes
}

const inputCall = (
  step: string,
  input: unknown,
  fields: Readonly<Record<string, Args.Check>>,
  trust: unknown
): Args.Call => ({
  step,
  problem: () => Args.fields("input", input, fields) ?? Args.check("trust", trust, Args.residenceTrust)
})

const GEN1_FRONT = 7000
const GEN1_FACE = 3000
const GEN2_ENTRIES = 53
const GEN2_FACE = 3000
const GEN2_NAME = 2500

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

const certificateOf = (
  bytes: Uint8Array,
  object: string
): { readonly cert: ParsedCertificate } | { readonly check: Report.Check } => {
  const parsed = parseSync(bytes)
  if (parsed instanceof CertificateParseError)
    return {
      check: {
        object,
        verdict: "malformed",
        authentic: false,
        detail: `the certificate (${bytes.length} bytes) cannot be read: ${parsed.detail}`
      }
    }
  return { cert: parsed }
}

const chainChecks = async (
  cert: ParsedCertificate,
  trust: ResidenceTrust,
  generation: 1 | 2,
  object: string,
  at: Date,
  options: VerifyOptions
) => {
  const anchors = trust.anchors.filter((a) => a.generations.includes(generation))
  return Chain.validate(cert, anchors, {
    at,
    backend: options.backend,
    object,
    leafUsages: ["digitalSignature", "nonRepudiation"]
  })
}

const notSigned = (kind: Report.ReportKind, object: string, at: Date): Report.Report =>
  Report.make(
    kind,
    [
      {
        object,
        verdict: "not-signed",
        authentic: false,
        detail: "the card carries no signature (cards issued to holders under 16 store none)"
      }
    ],
    at
  )

// ---------------------------------------------------------------------------------------------------------------
// Generation 1

export type CheckCodeForm = "digestInfo" | "bareHash"

/** The form that verified last for a key: tried first next time (cards under one certificate share it). */
let formByKey = new WeakMap<RsaPublicKey, CheckCodeForm>()

const checkCodeRaw = (
  key: RsaPublicKey,
  checkCode: Uint8Array,
  data: Signed,
  options: VerifyOptions
): { readonly form: CheckCodeForm } | { readonly detail: string } => {
  const block = rsaPublic(key, checkCode)
  if (block === undefined) return { detail: "the check code is not smaller than the modulus" }
  const hash = digestSync("SHA-256", data, options.backend)
  if (isType1Encoding(block, hash)) return { form: "bareHash" }
  if (isType1Encoding(block, concat(digestInfoPrefix["SHA-256"], hash))) return { form: "digestInfo" }
  return pkcs1Type1Payload(block) === undefined
    ? { detail: "the decrypted check code is not a PKCS#1 v1.5 signature block" }
    : { detail: "the decrypted check code holds neither SHA-256(D0 ‖ D1) nor its DigestInfo: the data was changed" }
}

const verifyCheckCode = async (
  key: RsaPublicKey,
  checkCode: Uint8Array,
  data: Signed,
  options: VerifyOptions
): Promise<{ readonly form: CheckCodeForm } | { readonly detail: string }> => {
  const preferred = formByKey.get(key) ?? "digestInfo"
  let result: { readonly form: CheckCodeForm } | { readonly detail: string }
  if (preferred === "digestInfo" && (await rsaVerifyPkcs1(key, "SHA-256", data, checkCode, options.backend)))
    result = { form: "digestInfo" }
  else result = checkCodeRaw(key, checkCode, data, options)
  if ("form" in result) formByKey.set(key, result.form)
  return result
}

/**
 * The check code through the provider's `rsaPublicRecover`, against the digest already computed: the form when the
 * payload is exactly the bare hash or its DigestInfo; `undefined` otherwise (the full path then decides and says why).
 */
const recoveredCheckCode = (
  key: RsaPublicKey,
  checkCode: Uint8Array,
  hash: Uint8Array,
  options: VerifyOptions
): { readonly form: CheckCodeForm } | undefined => {
  const payload = rsaRecoverPayload(key, checkCode, options.backend)
  if (payload === undefined) return undefined
  const form: CheckCodeForm | undefined =
    hash.length === 32 && equalConstantTime(payload, hash)
      ? "bareHash"
      : isSha256DigestInfo(payload, hash)
        ? "digestInfo"
        : undefined
  if (form === undefined) return undefined
  formByKey.set(key, form)
  return { form }
}

/**
 * The frame both generations share: a card without signature and certificate is "not signed"; an unreadable
 * certificate is malformed; otherwise `checkData` adds the data-signature check while the chain is checked, and the
 * report names the anchor the chain reached.
 */
const signedByCertificate = (
  kind: Report.ReportKind,
  generation: 1 | 2,
  input: { readonly signature: Uint8Array; readonly certificate: Uint8Array },
  trust: ResidenceTrust,
  at: Date,
  options: VerifyOptions,
  checkData: (cert: ParsedCertificate, object: string) => Promise<Report.Check>
): Promise<Report.Report> => {
  const object = generation === 1 ? "residence.gen1.checkCode" : "residence.gen2.signature"
  const certificateObject = `residence.gen${generation}.certificate`
  if (isAllZero(input.signature) && isAllZero(input.certificate)) return Promise.resolve(notSigned(kind, object, at))
  const parsed = certificateOf(input.certificate, certificateObject)
  if ("check" in parsed)
    return Promise.resolve(
      Report.make(
        kind,
        [
          { object, verdict: "malformed", authentic: false, detail: "no readable certificate to verify it with" },
          parsed.check
        ],
        at
      )
    )
  const chainPromise = chainChecks(parsed.cert, trust, generation, certificateObject, at, options)
  return checkData(parsed.cert, object).then(async (check) => {
    const chain = await chainPromise
    return Report.make(kind, [check, ...chain.checks], at, chain.anchor?.ref)
  })
}

/**
 * Verifies a first-generation card: the check code over D0 ‖ D1 with the `DB` certificate's key, and the certificate
 * up to a first-generation anchor of `trust`.
 */
export const verifyGen1 = (
  input: Gen1Input,
  trust: ResidenceTrust,
  options: VerifyOptions = {}
): Effect.Effect<Report.Report> =>
  verifying("residence-gen1", options, inputCall("Residence.verifyGen1", input, gen1Fields, trust), (at) =>
    signedByCertificate(
      "residence-gen1",
      1,
      { signature: input.checkCode, certificate: input.certificate },
      trust,
      at,
      options,
      async (cert, object) => {
        const base = { object, algorithm: "RSASSA-PKCS1-v1_5 SHA-256", signer: cert.subject }
        const key = cert.publicKey
        if (input.frontImageValue.length !== GEN1_FRONT || input.faceImageValue.length !== GEN1_FACE) {
          return {
            ...base,
            verdict: "malformed",
            authentic: false,
            detail: `the D0 and D1 values must be ${GEN1_FRONT} and ${GEN1_FACE} bytes (fixed-length data objects); got ${input.frontImageValue.length} and ${input.faceImageValue.length}`
          }
        } else if (key?.kind !== "rsa") {
          return {
            ...base,
            verdict: "malformed",
            authentic: false,
            detail: `the certificate's key is ${key ? describeKey(key) : cert.publicKeyDescription}, not RSA`
          }
        } else if (input.checkCode.length !== key.n.length) {
          return {
            ...base,
            verdict: "malformed",
            authentic: false,
            detail: `a check code of ${input.checkCode.length} bytes cannot come from an ${describeKey(key)} key (${key.n.length} bytes expected)`
          }
        } else {
          // D0 ‖ D1 as two parts: joined only where an API needs one buffer (see crypto.ts `transient`).
          const data = new Parts([input.frontImageValue, input.faceImageValue])
          const description = "D0 value (7000 bytes) ‖ D1 value (3000 bytes)"
          let covered: Report.Covered
          let result: { readonly form: CheckCodeForm } | { readonly detail: string }
          if (canRecover(options)) {
            // One digest of the covered bytes, for the check code (recovered by the provider) and the report.
            const hash = digestSync("SHA-256", data, options.backend)
            covered = Report.coveredDigest(description, GEN1_FRONT + GEN1_FACE, hash)
            result =
              recoveredCheckCode(key, input.checkCode, hash, options) ??
              (await verifyCheckCode(key, input.checkCode, data, options))
          } else {
            // The verification job starts first; a digest of the covered bytes, if asked for, is computed meanwhile.
            const pending = verifyCheckCode(key, input.checkCode, data, options)
            covered = Report.covered(description, data, options)
            result = await pending
          }
          return "form" in result
            ? {
                ...base,
                verdict: "verified",
                authentic: true,
                form: result.form,
                covered,
                detail:
                  result.form === "bareHash"
                    ? "PKCS#1 v1.5 block holding the bare SHA-256 hash (as drawn in the spec's 図3-4)"
                    : "PKCS#1 v1.5 block holding the SHA-256 DigestInfo"
              }
            : { ...base, verdict: "signature-invalid", authentic: false, covered, detail: result.detail }
        }
      }
    )
  )

// ---------------------------------------------------------------------------------------------------------------
// Generation 2

const padTo = (bytes: Uint8Array, length: number) => {
  if (bytes.length === length) return bytes
  const out = new Uint8Array(length)
  out.set(bytes)
  return out
}

/** The signature as raw r ‖ s candidates, in the order to try: raw first (96 bytes), then DER. */
const signatureCandidates = (
  signature: Uint8Array,
  fieldLength: number
): ReadonlyArray<{ readonly form: "raw" | "der"; readonly raw: Uint8Array }> => {
  const out: Array<{ form: "raw" | "der"; raw: Uint8Array }> = []
  if (signature.length === 2 * fieldLength) out.push({ form: "raw", raw: signature })
  // DER, possibly zero-padded inside the fixed 96-byte field.
  try {
    const seq = Tlv.readAt(signature, 0)
    if (seq.tag === 0x30 && isAllZero(signature.subarray(seq.end))) {
      const raw = ecdsaDerToRaw(signature.subarray(0, seq.end), fieldLength)
      if (raw !== undefined) out.push({ form: "der", raw })
    }
  } catch {
    // not DER
  }
  return out
}

/**
 * Verifies a second-generation card: the ECDSA signature over printed entries ‖ face ‖ name image with the `DD`
 * certificate's key, and the certificate up to a second-generation anchor of `trust`.
 */
export const verifyGen2 = (
  input: Gen2Input,
  trust: ResidenceTrust,
  options: VerifyOptions = {}
): Effect.Effect<Report.Report> =>
  verifying("residence-gen2", options, inputCall("Residence.verifyGen2", input, gen2Fields, trust), (at) =>
    signedByCertificate(
      "residence-gen2",
      2,
      { signature: input.signature, certificate: input.certificate },
      trust,
      at,
      options,
      async (cert, object) => {
        const key = cert.publicKey
        const base = {
          object,
          algorithm: `ECDSA ${key?.kind === "ec" ? key.curve : "P-384"} SHA-256`,
          signer: cert.subject
        }
        if (
          input.printedEntries.length > GEN2_ENTRIES ||
          input.faceImageValue.length > GEN2_FACE ||
          input.nameImageValue.length > GEN2_NAME
        ) {
          return {
            ...base,
            verdict: "malformed",
            authentic: false,
            detail: `printed entries, face and name image values may hold at most ${GEN2_ENTRIES}, ${GEN2_FACE} and ${GEN2_NAME} bytes; got ${input.printedEntries.length}, ${input.faceImageValue.length} and ${input.nameImageValue.length}`
          }
        } else if (key?.kind !== "ec") {
          return {
            ...base,
            verdict: "malformed",
            authentic: false,
            detail: `the certificate's key is ${key ? describeKey(key) : cert.publicKeyDescription}, not an EC key`
          }
        } else {
          const candidates = signatureCandidates(input.signature, curveFieldLength[key.curve])
          const data = new Parts([
            padTo(input.printedEntries, GEN2_ENTRIES),
            padTo(input.faceImageValue, GEN2_FACE),
            padTo(input.nameImageValue, GEN2_NAME)
          ])
          const covered = Report.covered(
            "printed entries (53 bytes) ‖ D1 face image value (3000 bytes) ‖ D0 name image value (2500 bytes)",
            data,
            options
          )
          if (candidates.length === 0) {
            return {
              ...base,
              verdict: "malformed",
              authentic: false,
              covered,
              detail: `a signature of ${input.signature.length} bytes is neither raw r ‖ s (${2 * curveFieldLength[key.curve]} bytes) nor DER`
            }
          } else {
            let verified: "raw" | "der" | undefined
            for (const candidate of candidates)
              if (await ecdsaVerify(key, "SHA-256", data, candidate.raw, options.backend)) {
                verified = candidate.form
                break
              }
            return verified
              ? {
                  ...base,
                  verdict: "verified",
                  authentic: true,
                  form: verified,
                  covered,
                  detail: verified === "raw" ? "signature as raw r ‖ s" : "signature as DER Ecdsa-Sig-Value"
                }
              : {
                  ...base,
                  verdict: "signature-invalid",
                  authentic: false,
                  covered,
                  detail: `the signature (tried as ${candidates.map((c) => c.form).join(" and ")}) does not verify over the covered bytes: the data was changed or the signature is not this certificate's`
                }
          }
        }
      }
    )
  )

// ---------------------------------------------------------------------------------------------------------------
// Adapters

const wrongType = (detail: string) => new VerifyInputError({ reason: "WrongCardType", detail })
const missing = (detail: string) => new VerifyInputError({ reason: "MissingFile", detail })
const invalid = (step: string, problem: Args.Problem) =>
  new VerifyInputError({ reason: "InvalidArgument", detail: Args.describe(step, problem) })

/** An EF as read, or absent (`undefined`, or JSON's `null`): absent is `MissingFile`, anything else a wrong shape. */
const readFile: Args.Check = {
  expected: "bytes (a Uint8Array: the EF as read; decode base64 or hex first), or absent",
  is: (value) => value === undefined || value === null || Args.isBytes(value)
}
const filesExpected = "an object with the EFs as read"

/** The EFs a first-generation verification needs, as read (tag, length and value). */
export interface Gen1Files {
  readonly frontImage?: Uint8Array | undefined
  readonly faceImage?: Uint8Array | undefined
  readonly signature?: Uint8Array | undefined
}

/** The EFs a second-generation verification needs, as read. */
export interface Gen2Files {
  readonly printedEntries?: Uint8Array | undefined
  readonly nameAndFace?: Uint8Array | undefined
  readonly signature?: Uint8Array | undefined
}

/** The value of the single data object `tag` at the start of an EF (fixed-layout first-generation files). */
const objectValue = (ef: Uint8Array, tag: number) => {
  const tlv = Tlv.readAt(ef, 0)
  if (tlv.tag !== tag) throw new Tlv.TlvError(`data object ${tag.toString(16).toUpperCase()} expected`)
  return Tlv.value(ef, tlv)
}

/**
 * A first-generation input from the raw EFs (DF1/EF01, DF1/EF02, DF3/EF01). A card without a signature gives empty
 * check code and certificate (verdict `not-signed`). Fails with `MissingFile` when an EF is absent.
 */
export const fromGen1Files = (files: Gen1Files): Effect.Effect<Gen1Input, VerifyInputError> =>
  gen1FromFiles(files, "Residence.fromGen1Files", "files")

const gen1FromFiles = (files: Gen1Files, step: string, argument: string): Effect.Effect<Gen1Input, VerifyInputError> =>
  Effect.suspend(() => {
    const problem = Args.fields(
      argument,
      files,
      { frontImage: readFile, faceImage: readFile, signature: readFile },
      filesExpected
    )
    if (problem !== undefined) return Effect.fail(invalid(step, problem))
    if (!files.frontImage || !files.faceImage || !files.signature)
      return Effect.fail(
        missing("the front image (DF1/EF01), face image (DF1/EF02) and signature (DF3/EF01) must all have been read")
      )
    const empty = new Uint8Array(0)
    const sig = files.signature
    // Cards issued under 16: `DA 00 DB 00` + zeros, `DA 00` + zeros, or all zeros (SPEC1 §3.3.5).
    const unsigned = isAllZero(sig) || (sig[0] === 0xda && sig[1] === 0x00)
    const face = isAllZero(files.faceImage) ? new Uint8Array(GEN1_FACE) : valueOrRaw(files.faceImage, 0xd1)
    if (unsigned)
      return Effect.succeed({
        frontImageValue: valueOrRaw(files.frontImage, 0xd0),
        faceImageValue: face,
        checkCode: empty,
        certificate: empty
      })
    try {
      const da = Tlv.readAt(sig, 0)
      const db = Tlv.readAt(sig, da.end)
      if (da.tag !== 0xda || db.tag !== 0xdb) throw new Tlv.TlvError("DA and DB expected")
      return Effect.succeed({
        frontImageValue: valueOrRaw(files.frontImage, 0xd0),
        faceImageValue: face,
        checkCode: Tlv.value(sig, da),
        certificate: Tlv.value(sig, db)
      })
    } catch {
      // An unreadable signature EF is the card's data: keep the bytes so that the report says `malformed`.
      return Effect.succeed({
        frontImageValue: valueOrRaw(files.frontImage, 0xd0),
        faceImageValue: face,
        checkCode: sig,
        certificate: empty
      })
    }
  })

/** The value of the EF's data object, or the EF itself when it does not start with that tag (the report then says why). */
const valueOrRaw = (ef: Uint8Array, tag: number): Uint8Array => {
  try {
    return objectValue(ef, tag)
  } catch {
    return ef
  }
}

/**
 * A second-generation input from the raw EFs (DF1/EF02 printed entries, DF1/EF03 name and face, DF3/EF01 signature).
 */
export const fromGen2Files = (files: Gen2Files): Effect.Effect<Gen2Input, VerifyInputError> =>
  gen2FromFiles(files, "Residence.fromGen2Files", "files")

const gen2FromFiles = (files: Gen2Files, step: string, argument: string): Effect.Effect<Gen2Input, VerifyInputError> =>
  Effect.suspend(() => {
    const problem = Args.fields(
      argument,
      files,
      { printedEntries: readFile, nameAndFace: readFile, signature: readFile },
      filesExpected
    )
    if (problem !== undefined) return Effect.fail(invalid(step, problem))
    if (!files.printedEntries || !files.nameAndFace || !files.signature)
      return Effect.fail(
        missing(
          "the printed entries (DF1/EF02), name and face images (DF1/EF03) and signature (DF3/EF01) must all have been read"
        )
      )
    const empty = new Uint8Array(0)
    let printedEntries: Uint8Array = files.printedEntries
    try {
      const items = Tlv.children(files.printedEntries, 0, files.printedEntries.length, true)
      printedEntries = concat(...items.map((t) => Tlv.value(files.printedEntries!, t)))
    } catch {
      // keep the raw EF: too long, the report will say malformed
    }
    let nameImageValue: Uint8Array = files.nameAndFace
    let faceImageValue: Uint8Array = empty
    try {
      const ef = files.nameAndFace
      const d0 = Tlv.readAt(ef, 0)
      if (d0.tag === 0xd0 && isAllZero(ef.subarray(d0.end))) {
        // No face stored (holder under 1 year), the D1 object itself zeroed: the signature covers 3000 zeros.
        nameImageValue = Tlv.value(ef, d0)
        faceImageValue = new Uint8Array(GEN2_FACE)
      } else {
        const d1 = Tlv.readAt(ef, d0.end)
        if (d0.tag === 0xd0 && d1.tag === 0xd1) {
          nameImageValue = Tlv.value(ef, d0)
          faceImageValue = Tlv.value(ef, d1)
        }
      }
    } catch {
      // keep the raw EF
    }
    const sig = files.signature
    if (isAllZero(sig))
      return Effect.succeed({ printedEntries, faceImageValue, nameImageValue, signature: empty, certificate: empty })
    try {
      const dc = Tlv.readAt(sig, 0)
      const dd = Tlv.readAt(sig, dc.end)
      if (dc.tag !== 0xdc || dd.tag !== 0xdd) throw new Tlv.TlvError("DC and DD expected")
      return Effect.succeed({
        printedEntries,
        faceImageValue,
        nameImageValue,
        signature: Tlv.value(sig, dc),
        certificate: Tlv.value(sig, dd)
      })
    } catch {
      return Effect.succeed({ printedEntries, faceImageValue, nameImageValue, signature: sig, certificate: empty })
    }
  })

// The core models, checked before they are read: a card a server rebuilt from JSON may hold anything.

/** A parsed value of the model: absent (`undefined`, or `null` where the card stores none), or these fields. */
const parsed = (argument: string, value: unknown, checks: Readonly<Record<string, Args.Check>>) =>
  value === undefined || value === null ? undefined : Args.fields(argument, value, checks, "an object, or absent")

/** The card type for a message: only when it is one (a short code), never whatever the field held. */
const cardTypeOf = (card: { readonly cardType?: unknown }) =>
  typeof card.cardType === "string" && /^[0-9]{1,2}$/.test(card.cardType) ? ` (type ${card.cardType})` : ""

/** A first-generation input from the core model (its raw EFs when present, else its parsed values). */
export const fromGen1Card = (card: ResidenceCardGen1 | ResidenceCardGen2): Effect.Effect<Gen1Input, VerifyInputError> =>
  gen1FromCard(card, "Residence.fromGen1Card")

const gen1FromCard = (
  card: ResidenceCardGen1 | ResidenceCardGen2,
  step: string
): Effect.Effect<Gen1Input, VerifyInputError> =>
  Effect.suspend(() => {
    const problem = Args.residenceCardProblem(card)
    if (problem !== undefined) return Effect.fail(invalid(step, problem))
    if (card.generation !== 1)
      return Effect.fail(
        wrongType(`a generation-${card.generation} card${cardTypeOf(card)} is not a first-generation card`)
      )
    if (card.raw?.frontImage && card.raw.faceImage && card.raw.signature)
      return gen1FromFiles(card.raw, step, "card.raw")
    const parts =
      parsed("card.signature", card.signature, { checkCode: Args.bytes, certificate: Args.bytes }) ??
      parsed("card.frontImage", card.frontImage, { data: Args.bytes }) ??
      parsed("card.faceImage", card.faceImage, { data: Args.bytes })
    if (parts !== undefined) return Effect.fail(invalid(step, parts))
    if (card.signature === undefined || card.frontImage == null || card.faceImage === undefined)
      return Effect.fail(missing("the front image, face image and signature must all have been read"))
    const empty = new Uint8Array(0)
    return Effect.succeed({
      frontImageValue: card.frontImage.data,
      faceImageValue: card.faceImage?.data ?? new Uint8Array(GEN1_FACE),
      checkCode: card.signature?.checkCode ?? empty,
      certificate: card.signature?.certificate ?? empty
    })
  })

/** A second-generation input from the core model (its raw EFs when present, else its parsed values). */
export const fromGen2Card = (card: ResidenceCardGen1 | ResidenceCardGen2): Effect.Effect<Gen2Input, VerifyInputError> =>
  gen2FromCard(card, "Residence.fromGen2Card")

const gen2FromCard = (
  card: ResidenceCardGen1 | ResidenceCardGen2,
  step: string
): Effect.Effect<Gen2Input, VerifyInputError> =>
  Effect.suspend(() => {
    const problem = Args.residenceCardProblem(card)
    if (problem !== undefined) return Effect.fail(invalid(step, problem))
    if (card.generation !== 2)
      return Effect.fail(
        wrongType(`a generation-${card.generation} card${cardTypeOf(card)} is not a second-generation card`)
      )
    if (card.raw?.printedEntries && card.raw.nameAndFace && card.raw.signature)
      return gen2FromFiles(card.raw, step, "card.raw")
    const parts =
      parsed("card.signature", card.signature, { value: Args.bytes, certificate: Args.bytes }) ??
      parsed("card.printedEntries", card.printedEntries, { signedValues: Args.bytes }) ??
      parsed("card.nameImage", card.nameImage, { data: Args.bytes }) ??
      parsed("card.faceImage", card.faceImage, { data: Args.bytes })
    if (parts !== undefined) return Effect.fail(invalid(step, parts))
    if (
      card.signature === undefined ||
      card.printedEntries == null ||
      card.nameImage == null ||
      card.faceImage === undefined
    )
      return Effect.fail(missing("the printed entries, name and face images and signature must all have been read"))
    const empty = new Uint8Array(0)
    return Effect.succeed({
      printedEntries: card.printedEntries.signedValues,
      faceImageValue: card.faceImage?.data ?? new Uint8Array(GEN2_FACE),
      nameImageValue: card.nameImage.data,
      signature: card.signature?.value ?? empty,
      certificate: card.signature?.certificate ?? empty
    })
  })

/** Verifies a residence card read by `@jpcard/core`, whichever generation it is. */
export const verifyCard = (
  card: ResidenceCardGen1 | ResidenceCardGen2,
  trust: ResidenceTrust,
  options: VerifyOptions = {}
): Effect.Effect<Report.Report, VerifyInputError> =>
  // Suspended: `card.generation` of a JavaScript caller's `null` threw while the Effect was being built.
  Effect.suspend(() => {
    // Its own arguments fail (it has an error channel), before the card is read: the report of `verifyGen1` would
    // name that function instead.
    const problem =
      Args.residenceCardProblem(card) ?? Args.check("trust", trust, Args.residenceTrust) ?? Args.optionsProblem(options)
    if (problem !== undefined) return Effect.fail(invalid("Residence.verifyCard", problem))
    return card.generation === 1
      ? Effect.flatMap(gen1FromCard(card, "Residence.verifyCard"), (input) => verifyGen1(input, trust, options))
      : Effect.flatMap(gen2FromCard(card, "Residence.verifyCard"), (input) => verifyGen2(input, trust, options))
  })

/** Clears the per-key check-code form memo (benchmarks of the cold path). @internal */
export const clearFormCache = (): void => {
  formByKey = new WeakMap()
}
