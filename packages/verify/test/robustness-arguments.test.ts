// Wrong JavaScript SHAPES at every public entry point: what a JavaScript caller, or a server that maps a phone's or a
// kiosk's message to the input (its own JSON, not `Saved.decode`), may pass where TypeScript expects bytes, an input
// object, a trust store or options: `null`, numbers, strings (base64, hex), arrays of numbers, Buffer's JSON form,
// ArrayBuffers, other typed arrays, Dates, functions, fields of the wrong type, missing fields, arrays with holes,
// options such as `backend: "fast"`, `coveredDigests: "yes"`, `at: "2030-01-01"` or an invalid Date.
//
// Each is refused and named: a verification (which reports verdicts) answers a `malformed` report whose check names
// the argument and says to fix the call; the other entry points fail with their typed error (VerifyInputError
// InvalidArgument, AnchorError InvalidArgument, CrlParseError, CertificateParseError) naming the entry point and the
// argument. Never a defect, never a throw while the Effect is built, never `verified`, never a wrong value read as its
// default, and never the value itself in a message or a report: every wrong value carries sentinels that are looked
// for. The mutated BYTES of valid material are robustness-verify.test.ts's; the JSON form of a saved read is
// robustness-saved.test.ts's.
import { createHash, sign } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { isRecord } from "@jpcard/core/Input"
import * as CoreGen1 from "@jpcard/core/residence/Gen1"
import * as CoreGen2 from "@jpcard/core/residence/Gen2"
import * as SimGen1 from "@jpcard/sim/residence/Gen1Card"
import * as SimGen2 from "@jpcard/sim/residence/Gen2Card"
import { Effect, FileSystem, Layer, Path, Redacted } from "effect"
import fc from "fast-check"
import {
  Crl,
  Jpki,
  MyNumber,
  type Report,
  Residence,
  Saved,
  Trust,
  TrustFs,
  type VerifyInputError,
  type VerifyOptions,
  X509
} from "../src/index.js"
import { at, Fixtures, gen1Input, gen2Input, privateKey } from "./helpers.js"
import * as M from "./mynumber-material.js"
import { type Outcome, outcome, runs } from "./robustness-helpers.js"
import { crl, cvcNext, cvcRoot, cvcTrust, jpkiTrust, residenceTrust } from "./robustness-targets.js"

// ---------------------------------------------------------------------------------------------------------------
// Sentinels: what no message or report may repeat

const SENTINEL = "SENTINEL-q7Zx9"
/** Twelve digits, as a My Number put in the wrong field would be. */
const DIGITS = "731954286113"
const sentinelBytes = new TextEncoder().encode(`${SENTINEL}:${DIGITS}`)
const base64 = Buffer.from(sentinelBytes).toString("base64")
const hexText = Buffer.from(sentinelBytes).toString("hex")
const banned: ReadonlyArray<string> = [
  SENTINEL,
  DIGITS,
  base64,
  hexText,
  hexText.toUpperCase(),
  Array.from(sentinelBytes).join(","),
  Array.from(sentinelBytes).join(", ")
]

const expectNoSentinel = (text: string, where: string) => {
  for (const needle of banned) if (text.includes(needle)) expect.fail(`${where} repeats the value given: ${text}`)
}

/** A sparse array: `[a, , b]` has no element at 1. */
const sparse = <A>(first: A, last: A): ReadonlyArray<A> => {
  const out = new Array<A>(3)
  out[0] = first
  out[2] = last
  return out
}

/** Where bytes belong: anything but a Uint8Array (a Node Buffer is one, and is fine). */
const notBytes: ReadonlyArray<unknown> = [
  null,
  SENTINEL,
  base64,
  hexText,
  Number(DIGITS),
  Number.NaN,
  true,
  BigInt(DIGITS),
  Array.from(sentinelBytes),
  sparse(sentinelBytes[0]!, sentinelBytes[1]!),
  { note: SENTINEL },
  { type: "Buffer", data: Array.from(sentinelBytes) },
  sentinelBytes.slice().buffer,
  new Uint16Array(sentinelBytes),
  new Uint8ClampedArray(sentinelBytes),
  new Int8Array(sentinelBytes),
  new DataView(sentinelBytes.slice().buffer),
  () => SENTINEL,
  new Date(Number(DIGITS))
]

/** Where an object belongs (an input, a trust store, options). */
const notObjects: ReadonlyArray<unknown> = [
  null,
  SENTINEL,
  Number(DIGITS),
  true,
  BigInt(DIGITS),
  [SENTINEL],
  sentinelBytes,
  sentinelBytes.slice().buffer,
  () => SENTINEL,
  new Date(Number(DIGITS))
]

/** Where a list belongs (CVCs, intermediates, anchor files, CVC keys). */
const notLists: ReadonlyArray<unknown> = [
  null,
  SENTINEL,
  Number(DIGITS),
  { 0: SENTINEL, length: 1 },
  sentinelBytes,
  () => SENTINEL
]

/** Where one of a few names belongs (`purpose`, `profile`, `sent`, `application`). */
const notNames: ReadonlyArray<unknown> = [null, SENTINEL, `${SENTINEL}`.toLowerCase(), Number(DIGITS), [SENTINEL], {}]

const wrongOptions: ReadonlyArray<unknown> = [
  ...notObjects,
  { at: `2030-01-01T00:00:00Z ${SENTINEL}` },
  { at: Number(DIGITS) },
  { at: new Date(Number.NaN) },
  { at: { iso: SENTINEL } },
  { at: null },
  { backend: "fast" },
  { backend: SENTINEL },
  { backend: {} },
  { backend: { name: SENTINEL, rsaVerifyPkcs1: SENTINEL, ecdsaVerify: () => true } },
  { backend: { name: "p", rsaVerifyPkcs1: () => true, ecdsaVerify: () => true, digest: SENTINEL } },
  { backend: null },
  { coveredDigests: "yes" },
  { coveredDigests: 1 },
  { coveredDigests: null }
]

/** What a test message says of a value (JSON.stringify throws on a BigInt). */
const show = (value: unknown): string => {
  if (typeof value === "bigint") return `${value}n`
  if (typeof value === "function") return "a function"
  if (value instanceof Uint8Array || value instanceof ArrayBuffer || ArrayBuffer.isView(value))
    return Object.prototype.toString.call(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Valid material (the simulators' test PKIs), and the entry points

const sim1 = SimGen1.make()
const sim2 = SimGen2.make()
const gen1Files = { frontImage: sim1.files.df1.ef01, faceImage: sim1.files.df1.ef02, signature: sim1.files.df3.ef01 }
const gen2Files = {
  printedEntries: sim2.files.df1.ef02,
  nameAndFace: sim2.files.df1.ef03,
  signature: sim2.files.df3.ef01
}
const card1 = Effect.runSync(
  CoreGen1.parse({ specVersion: "0001", cardType: "1", generation: 1 }, gen1Files as CoreGen1.RawFiles)
)
const card2 = Effect.runSync(CoreGen2.parse({ specVersion: "0001", cardType: "05", generation: 2 }, gen2Files))

const kenhojoRecord = await Effect.runPromise(MyNumber.verifyKenhojo(M.kenhojoFiles, cvcTrust, { at }))
const challenge = MyNumber.makeChallenge(24)
const presence = {
  record: kenhojoRecord,
  challenge,
  nonce: challenge.subarray(8),
  signature: M.cardSign(M.kenhojoCardKey, challenge)
}
const kenhojoData = {
  myNumber: { raw: Redacted.make(M.ef0001) },
  basicInfo: { raw: M.ef0002 },
  integrityRecord: { raw: Redacted.make(M.ef0003) },
  certificate: { raw: M.kenhojoCvc }
} as unknown as Parameters<typeof MyNumber.fromKenhojoData>[0]
const kenkakuData = {
  ageRecord: { raw: M.kkEf0001 },
  cardFace: { raw: M.kkEf0002 },
  myNumberImage: { raw: Redacted.make(M.kkEf0005) },
  certificate: { raw: M.kenkakuCvc }
} as unknown as Parameters<typeof MyNumber.fromKenkakuData>[0]
const jpkiData = new TextEncoder().encode("document signed with the JPKI authentication key")
const jpkiSignature = new Uint8Array(sign("sha256", jpkiData, privateKey(Fixtures.myNumberJpkiAuthKeyPkcs8Der)))
const parsedCrl = Effect.runSync(Crl.parse(crl))
const caFile = { name: "ca.crt", bytes: Fixtures.residenceGen1TestCaCertDer }
const cvcKey = { modulus: Fixtures.myNumberCvcCaModulus, exponent: Fixtures.myNumberCvcCaExponent }
const folder = Layer.mergeAll(
  FileSystem.layerNoop({ readDirectory: () => Effect.succeed([]), readFile: () => Effect.succeed(new Uint8Array(0)) }),
  Path.layer
)

/** One field of an object argument: whether it may be absent, and wrong values beyond the generic ones. */
interface Field {
  readonly optional?: boolean
  /** `null` is absent too (a file an adapter says is missing: `MissingFile`, not a wrong shape). */
  readonly nullIsAbsent?: boolean
  /** Generic wrong values: `bytes` (the default), `name` (one of a few strings), `list`, `object`, or none. */
  readonly shape?: "bytes" | "name" | "list" | "object" | "none"
  readonly wrong?: ReadonlyArray<unknown>
}

interface Argument {
  /** As the messages name it: `input`, `trust`, `options`, `files`. */
  readonly name: string
  readonly valid: unknown
  /** Whether leaving it out (`undefined`) is valid: a default. */
  readonly optional?: boolean
  /** Which generic wrong values to try (`none`: only `wrong`). */
  readonly shape: "object" | "list" | "bytes" | "name" | "options" | "none"
  readonly fields?: Readonly<Record<string, Field>>
  /** For a list: a valid element, to build lists with one wrong element or a hole. */
  readonly element?: { readonly valid: unknown; readonly wrong: ReadonlyArray<unknown> }
  readonly wrong?: ReadonlyArray<unknown>
}

interface EntryPoint {
  /** The entry point, as its messages name it. */
  readonly name: string
  /** The test's name, when one entry point has two rows. */
  readonly title?: string
  readonly args: ReadonlyArray<Argument>
  readonly call: (args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>
  /** A verification: a wrong shape is a `malformed` report. */
  readonly verdict?: boolean
  /** The typed errors it may fail with for a wrong shape. */
  readonly errors?: ReadonlyArray<string>
  /** Some arguments name themselves otherwise in messages (a CRL given with the input: `input.crl`). */
  readonly errorsFor?: Readonly<Record<string, ReadonlyArray<string>>>
}

const options: Argument = { name: "options", valid: { at }, optional: true, shape: "options" }
const bytes = (optional = false): Field => ({ optional, shape: "bytes" })

const residenceTrustArg: Argument = {
  name: "trust",
  valid: residenceTrust,
  shape: "object",
  wrong: [
    jpkiTrust,
    cvcTrust,
    { _tag: "ResidenceTrust" },
    { _tag: "ResidenceTrust", anchors: [SENTINEL] },
    { _tag: "ResidenceTrust", anchors: sparse(residenceTrust.anchors[0], residenceTrust.anchors[0]) },
    { ...residenceTrust, anchors: SENTINEL }
  ]
}
const cvcTrustArg: Argument = {
  name: "trust",
  valid: cvcTrust,
  optional: true,
  shape: "object",
  wrong: [
    residenceTrust,
    { _tag: "CvcTrust", profile: "production" },
    { ...cvcTrust, profile: "prod" },
    { ...cvcTrust, keys: [{ ...cvcTrust.keys[0], key: { kind: "rsa", n: SENTINEL, e: SENTINEL, bits: 2048 } }] },
    { ...cvcTrust, keys: sparse(cvcTrust.keys[0], cvcTrust.keys[0]) },
    // Trust.customCvcTrust of keys of the wrong shape: its own test below (it threw from the constructor).
    Trust.jlisCvcTrust(SENTINEL as "test")
  ]
}
const jpkiTrustArg: Argument = {
  name: "trust",
  valid: jpkiTrust,
  optional: true,
  shape: "object",
  wrong: [residenceTrust, { _tag: "JpkiTrust" }, { _tag: "JpkiTrust", anchors: [{ certificate: SENTINEL }] }]
}

const jpkiCertificateFields: Readonly<Record<string, Field>> = {
  certificate: bytes(),
  intermediates: { optional: true, shape: "list", wrong: [[SENTINEL], sparse(crl, crl), [Number(DIGITS)]] },
  crl: {
    optional: true,
    shape: "bytes",
    // A parsed CRL that went through JSON (its Map and Dates are gone), or a look-alike.
    wrong: [JSON.parse(JSON.stringify(parsedCrl)), { ...parsedCrl, entries: {} }, { _tag: "ParsedCrl" }]
  },
  purpose: { optional: true, shape: "name", wrong: ["Signature", "sign", "auth"] }
}

const entryPoints: ReadonlyArray<EntryPoint> = [
  {
    name: "Residence.verifyGen1",
    verdict: true,
    args: [
      {
        name: "input",
        valid: gen1Input(),
        shape: "object",
        fields: { frontImageValue: bytes(), faceImageValue: bytes(), checkCode: bytes(), certificate: bytes() }
      },
      residenceTrustArg,
      options
    ],
    call: ([input, trust, o]) => Residence.verifyGen1(input as never, trust as never, o as never)
  },
  {
    name: "Residence.verifyGen2",
    verdict: true,
    args: [
      {
        name: "input",
        valid: gen2Input(),
        shape: "object",
        fields: {
          printedEntries: bytes(),
          faceImageValue: bytes(),
          nameImageValue: bytes(),
          signature: bytes(),
          certificate: bytes()
        }
      },
      residenceTrustArg,
      options
    ],
    call: ([input, trust, o]) => Residence.verifyGen2(input as never, trust as never, o as never)
  },
  ...(
    [
      ["Residence.fromGen1Files", Residence.fromGen1Files, gen1Files],
      ["Residence.fromGen2Files", Residence.fromGen2Files, gen2Files]
    ] as const
  ).map(
    ([name, from, files]): EntryPoint => ({
      name,
      errors: ["VerifyInputError"],
      args: [
        {
          name: "files",
          valid: files,
          shape: "object",
          // An absent file (undefined, JSON's null) is MissingFile; anything else of the wrong type is refused.
          fields: Object.fromEntries(
            Object.keys(files).map((f) => [f, { shape: "bytes", optional: true, nullIsAbsent: true } satisfies Field])
          )
        }
      ],
      call: ([f]) => from(f as never)
    })
  ),
  ...(
    [
      ["Residence.fromGen1Card", (card: unknown) => Residence.fromGen1Card(card as never), card1],
      ["Residence.fromGen2Card", (card: unknown) => Residence.fromGen2Card(card as never), card2],
      ["Residence.verifyCard", (card: unknown) => Residence.verifyCard(card as never, residenceTrust, { at }), card1]
    ] as const
  ).map(
    ([name, from, card]): EntryPoint => ({
      name,
      errors: ["VerifyInputError"],
      args: [
        {
          name: "card",
          valid: card,
          shape: "object",
          fields: {
            generation: { shape: "name", wrong: ["1", 3, 0] },
            raw: { optional: true, shape: "object" }
          },
          wrong: [
            // Raw files of the wrong type, or parsed values of the wrong type when the raw files are not all there.
            { ...card, raw: { ...card.raw, signature: SENTINEL, frontImage: SENTINEL, printedEntries: SENTINEL } },
            card.generation === 1
              ? { ...card, raw: {}, signature: { checkCode: SENTINEL, certificate: sentinelBytes } }
              : { ...card, raw: {}, signature: { value: SENTINEL, certificate: sentinelBytes } },
            { ...card, raw: {}, faceImage: { data: Array.from(sentinelBytes) } }
          ]
        }
      ],
      call: ([c]) => from(c)
    })
  ),
  {
    name: "Residence.verifyCard",
    title: "Residence.verifyCard (trust, options)",
    errors: ["VerifyInputError"],
    args: [{ name: "card", valid: card2, shape: "object" }, residenceTrustArg, options],
    call: ([card, trust, o]) => Residence.verifyCard(card as never, trust as never, o as never)
  },
  {
    name: "MyNumber.verifyKenhojo",
    verdict: true,
    args: [
      {
        name: "files",
        valid: M.kenhojoFiles,
        shape: "object",
        fields: { ef0001: bytes(true), ef0002: bytes(true), ef0003: bytes(), ef0004: bytes(), ef0007: bytes(true) }
      },
      cvcTrustArg,
      options
    ],
    call: ([files, trust, o]) => MyNumber.verifyKenhojo(files as never, trust as never, o as never)
  },
  {
    name: "MyNumber.verifyKenkaku",
    verdict: true,
    args: [
      {
        name: "files",
        valid: M.kenkakuFiles,
        shape: "object",
        fields: { ef0001: bytes(true), ef0002: bytes(true), ef0004: bytes(), ef0005: bytes(true) }
      },
      { ...cvcTrustArg, valid: cvcTrust },
      options
    ],
    call: ([files, trust, o]) => MyNumber.verifyKenkaku(files as never, trust as never, o as never)
  },
  {
    name: "MyNumber.verifyCvcChain",
    verdict: true,
    args: [
      {
        name: "cvcs",
        valid: [cvcRoot, cvcNext],
        shape: "list",
        element: { valid: cvcRoot, wrong: notBytes }
      },
      cvcTrustArg,
      options
    ],
    call: ([cvcs, trust, o]) => MyNumber.verifyCvcChain(cvcs as never, trust as never, o as never)
  },
  {
    name: "MyNumber.verifyCardPresence",
    verdict: true,
    args: [
      {
        name: "input",
        valid: presence,
        shape: "object",
        fields: {
          record: {
            shape: "object",
            wrong: [
              { ...kenhojoRecord, kind: "jpki-signature" },
              { ...kenhojoRecord, cardKey: { ...kenhojoRecord.cardKey, modulus: SENTINEL } },
              { ...kenhojoRecord, cardKey: SENTINEL },
              { ...kenhojoRecord, authentic: "true" }
            ]
          },
          challenge: bytes(),
          nonce: bytes(true),
          signature: bytes(),
          application: { optional: true, shape: "name", wrong: ["jpki", "Kenhojo"] },
          sent: { optional: true, shape: "name", wrong: ["RAW", "digest"] }
        }
      },
      options
    ],
    call: ([input, o]) => MyNumber.verifyCardPresence(input as never, o as never)
  },
  {
    name: "MyNumber.fromKenhojoData",
    errors: ["VerifyInputError"],
    args: [
      {
        name: "data",
        valid: kenhojoData,
        shape: "object",
        fields: {
          myNumber: { optional: true, shape: "object", wrong: [{ raw: M.ef0001 }, { raw: Redacted.make(SENTINEL) }] },
          basicInfo: { optional: true, shape: "object", wrong: [{ raw: SENTINEL }] },
          // Absent, these two are MissingFile (the existing tests' business), not a wrong shape.
          integrityRecord: { optional: true, shape: "object", wrong: [{ raw: M.ef0003 }, { raw: null }] },
          certificate: {
            optional: true,
            shape: "object",
            wrong: [{ raw: SENTINEL }, { raw: Array.from(sentinelBytes) }]
          }
        }
      },
      {
        name: "extra",
        valid: { ef0007: M.ef0007 },
        optional: true,
        shape: "object",
        fields: { ef0007: bytes(true) }
      }
    ],
    call: ([data, extra]) => MyNumber.fromKenhojoData(data as never, extra as never)
  },
  {
    name: "MyNumber.fromKenkakuData",
    errors: ["VerifyInputError"],
    args: [
      {
        name: "data",
        valid: kenkakuData,
        shape: "object",
        fields: {
          ageRecord: { optional: true, shape: "object", wrong: [{ raw: SENTINEL }] },
          cardFace: { optional: true, shape: "object", wrong: [{ raw: null }] },
          myNumberImage: { optional: true, shape: "object", wrong: [{ raw: M.kkEf0005 }] },
          certificate: { optional: true, shape: "object", wrong: [{ raw: SENTINEL }] }
        }
      }
    ],
    call: ([data]) => MyNumber.fromKenkakuData(data as never)
  },
  {
    name: "Jpki.verifyCertificate",
    verdict: true,
    errorsFor: { "input.crl": ["CrlParseError"] },
    args: [
      {
        name: "input",
        valid: {
          certificate: Fixtures.myNumberJpkiAuthCertDer,
          intermediates: [Fixtures.myNumberJpkiAuthCaCertDer],
          crl,
          purpose: "authentication"
        },
        shape: "object",
        fields: jpkiCertificateFields
      },
      jpkiTrustArg,
      options
    ],
    call: ([input, trust, o]) => Jpki.verifyCertificate(input as never, trust as never, o as never)
  },
  {
    name: "Jpki.verifySignature",
    verdict: true,
    errorsFor: { "input.crl": ["CrlParseError"] },
    args: [
      {
        name: "input",
        valid: {
          certificate: Fixtures.myNumberJpkiAuthCertDer,
          crl: parsedCrl,
          data: jpkiData,
          signature: jpkiSignature
        },
        shape: "object",
        fields: { ...jpkiCertificateFields, signature: bytes(), data: bytes(true), digest: bytes(true) }
      },
      jpkiTrustArg,
      options
    ],
    call: ([input, trust, o]) => Jpki.verifySignature(input as never, trust as never, o as never)
  },
  {
    name: "X509.parse",
    errors: ["CertificateParseError"],
    args: [{ name: "certificate", valid: Fixtures.myNumberJpkiAuthCertDer, shape: "bytes" }],
    call: ([b]) => X509.parse(b as never)
  },
  {
    name: "Crl.parse",
    errors: ["CrlParseError"],
    args: [{ name: "CRL", valid: crl, shape: "bytes" }],
    call: ([b]) => Crl.parse(b as never)
  },
  {
    name: "Trust.residenceTrust",
    errors: ["AnchorError"],
    args: [
      {
        name: "files",
        valid: [caFile],
        shape: "list",
        element: {
          valid: caFile,
          wrong: [...notObjects, caFile.bytes, { name: 1, bytes: caFile.bytes }, { name: "ca.crt", bytes: SENTINEL }]
        }
      },
      {
        name: "options",
        valid: { profile: "production" },
        optional: true,
        shape: "object",
        fields: { profile: { optional: true, shape: "name", wrong: ["prod", "test"] } }
      }
    ],
    call: ([files, o]) => Trust.residenceTrust(files as never, o as never)
  },
  {
    name: "Trust.checkResidenceAnchorFile",
    errors: ["AnchorError"],
    args: [
      {
        name: "file",
        valid: caFile,
        shape: "object",
        fields: { name: { shape: "none", wrong: [null, Number(DIGITS), [SENTINEL], {}] }, bytes: bytes() }
      },
      { name: "profile", valid: "production", shape: "name", wrong: ["prod", undefined] }
    ],
    call: ([file, profile]) => Trust.checkResidenceAnchorFile(file as never, profile as never)
  },
  ...(
    [
      [
        "Trust.customResidenceTrust",
        (c: unknown, o: unknown) => Trust.customResidenceTrust(c as never, o as never),
        { label: "l", generations: [1, 2] }
      ],
      ["Trust.customAnchors", (c: unknown, o: unknown) => Trust.customAnchors(c as never, o as never), { label: "l" }],
      [
        "Trust.customJpkiTrust",
        (c: unknown, o: unknown) => Trust.customJpkiTrust(c as never, o as never),
        { label: "l" }
      ]
    ] as const
  ).map(
    ([name, make, validOptions]): EntryPoint => ({
      name,
      errors: ["AnchorError"],
      args: [
        {
          name: "certificates",
          valid: [Fixtures.residenceGen1TestCaCertDer],
          shape: "list",
          element: {
            valid: Fixtures.residenceGen1TestCaCertDer,
            wrong: [...notBytes.filter((v) => v !== null), null, { name: "ca.crt", bytes: SENTINEL }]
          }
        },
        {
          name: "options",
          valid: validOptions,
          optional: true,
          shape: "object",
          fields: {
            label: { optional: true, shape: "none", wrong: [Number(DIGITS), null, [SENTINEL]] },
            ...("generations" in validOptions
              ? {
                  generations: {
                    optional: true,
                    shape: "list",
                    wrong: [[3], ["1"], sparse(1, 2), [Number(DIGITS)]]
                  } satisfies Field
                }
              : {})
          }
        }
      ],
      call: ([c, o]) => make(c, o)
    })
  ),
  {
    name: "TrustFs.residenceTrustFromDirectory",
    errors: ["AnchorError"],
    args: [
      // A directory is the caller's own path, which errors name: only values that are not strings here.
      {
        name: "directory",
        valid: "/ca",
        shape: "none",
        wrong: [undefined, null, Number(DIGITS), sentinelBytes, [SENTINEL], { path: SENTINEL }, () => SENTINEL]
      },
      {
        name: "options",
        valid: { profile: "official-test" },
        optional: true,
        shape: "object",
        fields: { profile: { optional: true, shape: "name", wrong: ["prod"] } }
      }
    ],
    call: ([directory, o]) =>
      TrustFs.residenceTrustFromDirectory(directory as never, o as never).pipe(Effect.provide(folder))
  },
  {
    name: "Saved.decode",
    errors: ["VerifyInputError"],
    args: [
      {
        name: "options",
        valid: { expect: "residence-gen1" },
        optional: true,
        shape: "object",
        fields: { expect: { optional: true, shape: "name", wrong: ["toString", "__proto__", "residence"] } }
      }
    ],
    call: ([o]) =>
      Saved.decode(
        { kind: "residence-gen1", files: Object.fromEntries(Object.entries(gen1Files).map(([k, v]) => [k, b64(v)])) },
        o as never
      )
  },
  {
    name: "Saved.verify",
    errors: ["VerifyInputError"],
    args: [
      {
        name: "trusts",
        valid: { cvc: cvcTrust },
        optional: true,
        shape: "object",
        fields: {
          residence: { optional: true, shape: "object", wrong: [cvcTrust] },
          cvc: { optional: true, shape: "object", wrong: [residenceTrust] }
        }
      },
      options
    ],
    call: ([trusts, o]) =>
      Saved.verify({ kind: "mynumber-kenhojo", files: M.kenhojoFiles }, trusts as never, o as never)
  }
]

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64")
}

// ---------------------------------------------------------------------------------------------------------------
// Calling with one wrong value

/** The wrong values of one argument: the generic ones of its shape, its own, and (for a list) bad elements, holes. */
const wrongValuesOf = (arg: Argument): ReadonlyArray<readonly [path: string, value: unknown]> => {
  const out: Array<readonly [string, unknown]> = []
  const generic =
    arg.shape === "object"
      ? notObjects
      : arg.shape === "options"
        ? wrongOptions
        : arg.shape === "list"
          ? notLists
          : arg.shape === "bytes"
            ? notBytes
            : arg.shape === "name"
              ? notNames
              : []
  for (const value of [...generic, ...(arg.wrong ?? []), ...(arg.optional ? [] : [undefined])])
    out.push([arg.name, value])
  if (arg.element !== undefined) {
    const { valid, wrong } = arg.element
    for (const value of wrong) out.push([`${arg.name}[1]`, [valid, value]])
    out.push([`${arg.name}[1]`, sparse(valid, valid)])
  }
  for (const [name, field] of Object.entries(arg.fields ?? {})) {
    const genericField =
      field.shape === "none"
        ? []
        : field.shape === "name"
          ? notNames
          : field.shape === "list"
            ? notLists
            : field.shape === "object"
              ? notObjects
              : notBytes
    const values = [...genericField, ...(field.wrong ?? [])].filter(
      (v) => !((field.optional && v === undefined) || (field.nullIsAbsent && v === null))
    )
    for (const value of values) out.push([`${arg.name}.${name}`, { ...(arg.valid as object), [name]: value }])
    if (!field.optional) {
      const { [name]: _left, ...without } = arg.valid as Record<string, unknown>
      out.push([`${arg.name}.${name}`, without])
    }
  }
  return out
}

/** `path` is the argument a message must name for the wrong value (`files.frontImage`, `cvcs[1]`). */
const assertRefused = (entry: EntryPoint, path: string, value: unknown, o: Outcome<unknown>) => {
  const what = `${entry.name} with ${path} = ${show(value)}`
  const argument = path
  if (o._tag === "Failure") {
    const allowed = entry.errorsFor?.[path] ?? entry.errors ?? []
    expect(allowed, `${what}: ${o.error._tag}: ${o.error.message}`).toContain(o.error._tag)
    expect(o.error.message, what).toContain(argument)
    expect(o.error.message, what).toContain(entry.name)
    expect(o.error.message, what).toContain("fix the call")
    const error = o.error as { readonly reason?: unknown }
    if (error.reason !== undefined) expect(error.reason, what).toBe("InvalidArgument")
    for (const text of [o.error.message, JSON.stringify(o.error), String(o.error)]) expectNoSentinel(text, what)
  } else {
    expect(entry.verdict, `${what} was accepted: ${show(o.value)}`).toBe(true)
    const report = o.value as Report.Report
    expect(report.verdict, `${what}: ${report.summary}`).toBe("malformed")
    expect(report.authentic).toBe(false)
    expect(report.checks.length).toBe(1)
    expect(report.checks[0]!.object, what).toContain(argument.replace(/\[\d+\]$/, ""))
    expect(report.summary, what).toContain(argument)
    expect(report.summary, what).toContain(entry.name)
    expect(report.summary, what).toContain("fix the call")
    expect(Number.isNaN(Date.parse(report.checkedAt))).toBe(false)
    expectNoSentinel(JSON.stringify(report), what)
  }
}

/** Calls the entry point with `value` at position `i`, the other arguments valid. */
const callWith = (entry: EntryPoint, i: number, value: unknown) => () =>
  entry.call(entry.args.map((arg, j) => (j === i ? value : arg.valid))) as Effect.Effect<unknown, never>

const typedOf = (entry: EntryPoint) => [...(entry.errors ?? []), ...Object.values(entry.errorsFor ?? {}).flat()]

describe("every argument of every entry point, of a wrong shape: a typed error or a malformed report naming it", () => {
  for (const entry of entryPoints)
    it(entry.title ?? entry.name, async () => {
      for (const [i, arg] of entry.args.entries())
        for (const [path, value] of wrongValuesOf(arg)) {
          const o = await outcome(callWith(entry, i, value), typedOf(entry))
          assertRefused(entry, path, value, o)
        }
    })
})

describe("right shapes still verify", () => {
  it("the valid calls verify, with Buffers for bytes and extra fields ignored", async () => {
    const withExtra = (value: unknown) =>
      typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
        ? { ...value, extra: SENTINEL, [DIGITS]: sentinelBytes }
        : value
    const asBuffers = (value: unknown): unknown =>
      value instanceof Uint8Array
        ? Buffer.from(value)
        : Array.isArray(value)
          ? value.map(asBuffers)
          : typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asBuffers(v)]))
            : value
    for (const entry of entryPoints.filter((e) => e.verdict))
      for (const transform of [(v: unknown) => v, withExtra, asBuffers]) {
        const o = await outcome(
          () => entry.call(entry.args.map((arg) => transform(arg.valid))) as Effect.Effect<unknown, never>,
          typedOf(entry)
        )
        expect(o._tag, entry.name).toBe("Success")
        const report = (o as { readonly value: Report.Report }).value
        expect(report.verdict, `${entry.name}: ${report.summary}`).toBe("verified")
        expectNoSentinel(JSON.stringify(report), entry.name)
      }
    // Optional arguments and fields left out are their defaults.
    const r = await Effect.runPromise(
      Residence.verifyGen1(gen1Input(), residenceTrust, { at, backend: undefined } as never)
    )
    expect(r.verdict).toBe("verified")
    const jpki = await Effect.runPromise(
      Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer }, jpkiTrust, { at })
    )
    expect(jpki.verdict).toBe("verified")
  })
})

describe("regressions: wrong shapes that verified", () => {
  // The JSON form of bytes. WebCrypto hashed such an array as the bytes it lists, so the check code, the gen-2
  // signature, a JPKI digest or signature verified on the default backend, while the portable backend called the same
  // input malformed: the backends disagreed, and a value of the wrong type verified.
  it("bytes given as an array of numbers (the same bytes) are refused, on every backend", async () => {
    const digest = new Uint8Array(createHash("sha256").update(jpkiData).digest())
    const cases: ReadonlyArray<
      readonly [string, (backend: VerifyOptions["backend"]) => Effect.Effect<Report.Report, unknown>]
    > = [
      ...Object.keys(gen1Input()).map(
        (k) =>
          [
            `Residence.verifyGen1 input.${k}`,
            (backend: VerifyOptions["backend"]) =>
              Residence.verifyGen1(
                { ...gen1Input(), [k]: Array.from(gen1Input()[k as keyof ReturnType<typeof gen1Input>]) } as never,
                residenceTrust,
                { at, backend } as VerifyOptions
              )
          ] as const
      ),
      ...Object.keys(gen2Input()).map(
        (k) =>
          [
            `Residence.verifyGen2 input.${k}`,
            (backend: VerifyOptions["backend"]) =>
              Residence.verifyGen2(
                { ...gen2Input(), [k]: Array.from(gen2Input()[k as keyof ReturnType<typeof gen2Input>]) } as never,
                residenceTrust,
                { at, backend } as VerifyOptions
              )
          ] as const
      ),
      [
        "Jpki.verifySignature input.digest",
        (backend) =>
          Jpki.verifySignature(
            {
              certificate: Fixtures.myNumberJpkiAuthCertDer,
              digest: Array.from(digest) as never,
              signature: jpkiSignature
            },
            jpkiTrust,
            { at, backend } as VerifyOptions
          )
      ],
      [
        "Jpki.verifySignature input.signature",
        (backend) =>
          Jpki.verifySignature(
            {
              certificate: Fixtures.myNumberJpkiAuthCertDer,
              data: jpkiData,
              signature: Array.from(jpkiSignature) as never
            },
            jpkiTrust,
            { at, backend } as VerifyOptions
          )
      ]
    ]
    for (const [name, verify] of cases)
      for (const backend of [undefined, "webcrypto", "portable"] as const) {
        const report = await Effect.runPromise(verify(backend))
        expect(report.verdict, `${name} (${backend ?? "default"}): ${report.summary}`).toBe("malformed")
        expect(report.summary).toContain("must be bytes")
      }
  })

  // A misspelt purpose was read as "either": the authentication certificate verified where a signing certificate was
  // asked for ("signature" gives untrusted-chain: its keyUsage lacks nonRepudiation).
  it("a misspelt JPKI purpose is refused, never read as either purpose", async () => {
    const asked = await Effect.runPromise(
      Jpki.verifyCertificate({ certificate: Fixtures.myNumberJpkiAuthCertDer, purpose: "signature" }, jpkiTrust, { at })
    )
    expect(asked.verdict).toBe("untrusted-chain")
    for (const purpose of ["Signature", "sign", "signing", "nonRepudiation", "SIGNATURE"]) {
      const report = await Effect.runPromise(
        Jpki.verifyCertificate(
          { certificate: Fixtures.myNumberJpkiAuthCertDer, purpose: purpose as never },
          jpkiTrust,
          { at }
        )
      )
      expect(report.verdict, `${purpose}: ${report.summary}`).toBe("malformed")
      expect(report.summary).toContain("input.purpose")
    }
  })
})

describe("regressions: what a message repeated", () => {
  // WrongCardType wrote `(type ${card.cardType})`: whatever a rebuilt card held in that field reached the message.
  it("a card of the other generation: WrongCardType, without the content of its cardType field", async () => {
    const adapters: ReadonlyArray<readonly [(card: never) => Effect.Effect<unknown, VerifyInputError>, unknown]> = [
      [Residence.fromGen1Card, card2],
      [Residence.fromGen2Card, card1]
    ]
    for (const [from, card] of adapters)
      for (const cardType of [SENTINEL, DIGITS, base64]) {
        const o = await outcome(() => from({ ...(card as object), cardType } as never), ["VerifyInputError"])
        expect(o._tag).toBe("Failure")
        if (o._tag !== "Failure") continue
        expect((o.error as unknown as { readonly reason: string }).reason).toBe("WrongCardType")
        for (const text of [o.error.message, JSON.stringify(o.error)]) expectNoSentinel(text, cardType)
      }
    // A real card type is still named.
    const o = await outcome(() => Residence.fromGen1Card(card2), ["VerifyInputError"])
    expect(o._tag === "Failure" && o.error.message).toContain("(type 05)")
  })
})

describe("functions that return no Effect never throw", () => {
  it("Trust.customCvcTrust with keys of the wrong shape: a store every verification refuses, naming the key", async () => {
    const wrongKeys: ReadonlyArray<unknown> = [
      ...notLists,
      [null],
      [SENTINEL],
      [{ ...cvcKey, modulus: SENTINEL }],
      [{ ...cvcKey, exponent: Array.from(sentinelBytes) }],
      [{ ...cvcKey, modulus: new Uint8Array(0) }],
      [{ ...cvcKey, issuerKeyId: Number(DIGITS) }],
      [{ ...cvcKey, name: { text: SENTINEL } }],
      sparse(cvcKey, cvcKey)
    ]
    for (const keys of wrongKeys) {
      let trust: Trust.CvcTrust | undefined
      expect(() => {
        trust = Trust.customCvcTrust(keys as never)
      }, show(keys)).not.toThrow()
      for (const verify of [
        () => MyNumber.verifyKenhojo(M.kenhojoFiles, trust, { at }),
        () => MyNumber.verifyCvcChain([cvcRoot], trust, { at })
      ]) {
        const report = await Effect.runPromise(verify())
        expect(report.verdict, `${show(keys)}: ${report.summary}`).toBe("malformed")
        expect(report.summary).toContain("Trust.customCvcTrust")
        expect(report.summary).toContain("keys")
        expectNoSentinel(JSON.stringify(report), show(keys))
      }
    }
  })

  it("Trust.jlisCvcTrust with an unknown profile: refused by the verifications (it was untrusted-chain for all)", async () => {
    for (const profile of notNames) {
      let trust: Trust.CvcTrust | undefined
      expect(() => {
        trust = Trust.jlisCvcTrust(profile as never)
      }).not.toThrow()
      const report = await Effect.runPromise(MyNumber.verifyKenhojo(M.kenhojoFiles, trust, { at }))
      expect(report.verdict, report.summary).toBe("malformed")
      expect(report.summary).toContain("Trust.jlisCvcTrust")
      expectNoSentinel(JSON.stringify(report), show(profile))
    }
  })

  it("MyNumber.presenceFromProof with a proof of the wrong shape: an input card presence reports as malformed", async () => {
    const proof = {
      application: "kenhojo",
      message: challenge,
      digestInfo: new Uint8Array(51),
      signature: presence.signature
    }
    expect(
      (
        await Effect.runPromise(
          MyNumber.verifyCardPresence(
            MyNumber.presenceFromProof(kenhojoRecord, proof as never, challenge.subarray(8)),
            { at }
          )
        )
      ).verdict
    ).toBe("verified")
    for (const wrong of [
      ...notObjects,
      undefined,
      { ...proof, message: SENTINEL },
      { ...proof, signature: Array.from(sentinelBytes) },
      { ...proof, application: "jpki" }
    ]) {
      let input: MyNumber.CardPresenceInput | undefined
      expect(() => {
        input = MyNumber.presenceFromProof(kenhojoRecord, wrong as never, challenge.subarray(8))
      }, show(wrong)).not.toThrow()
      const report = await Effect.runPromise(MyNumber.verifyCardPresence(input!, { at }))
      expect(report.verdict, `${show(wrong)}: ${report.summary}`).toBe("malformed")
      expect(report.summary).toContain("fix the call")
      expectNoSentinel(JSON.stringify(report), show(wrong))
    }
  })

  it("Trust.recogniseJlisRoot and X509.parseSync of what is not bytes: no root, a CertificateParseError", () => {
    for (const value of [...notBytes, undefined]) {
      expect(() => Trust.recogniseJlisRoot(value as never), show(value)).not.toThrow()
      expect(Trust.recogniseJlisRoot(value as never)).toBeUndefined()
      let parsed: ReturnType<typeof X509.parseSync> | undefined
      expect(() => {
        parsed = X509.parseSync(value as never)
      }, show(value)).not.toThrow()
      expect(parsed).toBeInstanceOf(X509.CertificateParseError)
      expect((parsed as X509.CertificateParseError).message).toContain("X509.parse")
      expectNoSentinel((parsed as X509.CertificateParseError).message, show(value))
    }
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Properties: anything at all where the main inputs go

/** Every kind of JavaScript value fast-check makes, objects without prototype, sparse arrays and typed arrays included. */
const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true
})

/** The input with some of its fields replaced by anything (or left out), or the whole input replaced. */
const perturbed = (valid: Readonly<Record<string, unknown>>) =>
  fc.oneof(
    anything.map((value) => ({ value, replaced: Object.keys(valid) })),
    fc.uniqueArray(fc.constantFrom(...Object.keys(valid)), { minLength: 1 }).chain((names) =>
      fc.tuple(...names.map(() => fc.option(anything, { nil: undefined }))).map((values) => ({
        value: { ...valid, ...Object.fromEntries(names.map((n, i) => [n, values[i]])) },
        replaced: names
      }))
    )
  )

const propertyRuns = runs(200)

const isBytes = (value: unknown) => value instanceof Uint8Array
const bytesOrAbsent = (value: unknown) => value === undefined || isBytes(value)
const denseBytes = (value: unknown) =>
  Array.isArray(value) && Array.from({ length: value.length }, (_, i) => i in value && isBytes(value[i])).every(Boolean)

/** What a refusal looks like: a typed error, or a `malformed` report that names the entry point and says to fix it. */
const expectRefused = (name: string, o: Outcome<unknown>) => {
  if (o._tag === "Failure") return
  const report = o.value as Report.Report
  expect(report.verdict, report.summary).toBe("malformed")
  expect(report.summary).toContain(name)
  expect(report.summary).toContain("fix the call")
}

describe("fc.anything() in the input objects: a report or a typed error, always", () => {
  const cases = [
    {
      name: "Residence.verifyGen1",
      valid: gen1Input(),
      wellShaped: (v: unknown) =>
        isRecord(v) &&
        isBytes(v.frontImageValue) &&
        isBytes(v.faceImageValue) &&
        isBytes(v.checkCode) &&
        isBytes(v.certificate),
      run: (input: unknown, trust: unknown, o: unknown) =>
        Residence.verifyGen1(input as never, trust as never, o as never),
      trust: residenceTrust,
      typed: [] as ReadonlyArray<string>
    },
    {
      name: "MyNumber.verifyKenhojo",
      valid: M.kenhojoFiles,
      wellShaped: (v: unknown) =>
        isRecord(v) &&
        isBytes(v.ef0003) &&
        isBytes(v.ef0004) &&
        bytesOrAbsent(v.ef0001) &&
        bytesOrAbsent(v.ef0002) &&
        bytesOrAbsent(v.ef0007),
      run: (input: unknown, trust: unknown, o: unknown) =>
        MyNumber.verifyKenhojo(input as never, trust as never, o as never),
      trust: cvcTrust,
      typed: [] as ReadonlyArray<string>
    },
    {
      name: "Jpki.verifyCertificate",
      valid: {
        certificate: Fixtures.myNumberJpkiAuthCertDer,
        intermediates: [Fixtures.myNumberJpkiAuthCaCertDer],
        crl,
        purpose: "authentication"
      },
      wellShaped: (v: unknown) =>
        isRecord(v) &&
        isBytes(v.certificate) &&
        (v.intermediates === undefined || denseBytes(v.intermediates)) &&
        bytesOrAbsent(v.crl) &&
        (v.purpose === undefined || v.purpose === "authentication" || v.purpose === "signature"),
      run: (input: unknown, trust: unknown, o: unknown) =>
        Jpki.verifyCertificate(input as never, trust as never, o as never),
      trust: jpkiTrust,
      typed: ["CrlParseError"]
    }
  ]
  for (const c of cases) {
    it(`${c.name}: any input; a wrong shape is refused and named, never verified`, async () => {
      await fc.assert(
        fc.asyncProperty(perturbed(c.valid), async ({ value }) => {
          const o = await outcome(() => c.run(value, c.trust, { at }), c.typed)
          if (!c.wellShaped(value)) expectRefused(c.name, o)
          if (o._tag === "Success" && (o.value as Report.Report).verdict === "verified")
            expect((o.value as Report.Report).authentic).toBe(true)
        }),
        { numRuns: propertyRuns }
      )
    }, 60_000)

    it(`${c.name}: any trust store or options; never a defect, never verified under a made-up store`, async () => {
      await fc.assert(
        fc.asyncProperty(anything, fc.boolean(), async (value, asTrust) => {
          const o = await outcome(
            () => (asTrust ? c.run(c.valid, value, { at }) : c.run(c.valid, c.trust, value)),
            c.typed
          )
          // A trust store made of anything trusts nothing (`undefined` is the default store: the J-LIS keys, which
          // do not sign the simulator's material; residence cards have no default).
          if (asTrust && o._tag === "Success") expect((o.value as Report.Report).verdict).not.toBe("verified")
          // Options that are not an object, or hold a wrong `at`, `backend` or `coveredDigests`, are refused.
          if (!asTrust && value !== undefined) {
            const wrong =
              !isRecord(value) ||
              (value.at !== undefined && !(value.at instanceof Date && !Number.isNaN(value.at.getTime()))) ||
              (value.backend !== undefined && value.backend !== "webcrypto" && value.backend !== "portable") ||
              (value.coveredDigests !== undefined && typeof value.coveredDigests !== "boolean")
            if (wrong) expectRefused(c.name, o)
          }
        }),
        { numRuns: propertyRuns }
      )
    }, 60_000)
  }
})
