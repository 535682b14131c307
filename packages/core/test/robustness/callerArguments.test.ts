// What a JavaScript caller may pass the public entry points where TypeScript expects an options object, a detection,
// a session, a certificate kind or a credential name: `null`, a number, a string, an array, bytes, a function, or an
// object whose fields have the wrong types. Each is a typed error before any APDU: never a TypeError (a defect), never
// a wrong field silently read as its default. `undefined` options are the defaults.
import {
  MyNumberCard as MyNumberSim,
  ResidenceGen1 as SimGen1,
  ResidenceGen2 as SimGen2,
  SimTransport
} from "@jpcard/sim"
import type { SimulatedCard } from "@jpcard/sim/SimulatedCard"
import { Effect, Layer, Result } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import { detectResidenceCard, readResidenceCard } from "../../src/Async.js"
import { InvalidArgumentError } from "../../src/Input.js"
import * as CardPresence from "../../src/mynumber/CardPresence.js"
import { InvalidCredentialError } from "../../src/mynumber/Errors.js"
import * as Jpki from "../../src/mynumber/jpki/Jpki.js"
import * as Kenhojo from "../../src/mynumber/kenhojo/Kenhojo.js"
import * as Kenkaku from "../../src/mynumber/kenkaku/Kenkaku.js"
import * as MyNumberCard from "../../src/mynumber/MyNumberCard.js"
import { BirthDateKey, Pin4, VerificationNumberB } from "../../src/mynumber/Pin.js"
import * as PinGuard from "../../src/mynumber/PinGuard.js"
import { tdes } from "../../src/residence/CipherSuite.js"
import type { Detection } from "../../src/residence/Detect.js"
import * as Gen1 from "../../src/residence/Gen1.js"
import * as Gen2 from "../../src/residence/Gen2.js"
import * as ResidenceCard from "../../src/residence/ResidenceCard.js"
import { SecureSession } from "../../src/residence/Session.js"
import { CardTransport } from "../../src/transport/CardTransport.js"
import { withFaults } from "./harness/Faults.js"
import { type Outcome, outcomeOf } from "./harness/Outcome.js"

const CARD_NUMBER = "AB12345678CD"
const pins = { jpkiAuth: "8052", jpkiSign: "QWERTY42", kenhojo: "7391", common: "6604", juki: "2231" }

const myNumberCard = MyNumberSim.make({ seed: 1, pins })
const gen1Card = SimGen1.make({ seed: 1, cardNumber: CARD_NUMBER })
const gen2Card = SimGen2.make({ seed: 3, cardNumber: CARD_NUMBER })

const gen1Detection: Detection = { specVersion: "0001", cardType: "1", generation: 1 }
const gen2Detection: Detection = { specVersion: "0001", cardType: "05", generation: 2 }
/** A session of the right class (its key is not the card's: only reads that get past the checks notice). */
const session = new SecureSession(tdes, new Uint8Array(16))
const pin = Result.getOrThrow(Pin4.parseResult(pins.kenhojo))
const birthDateKey = Result.getOrThrow(
  BirthDateKey.parseResult(myNumberCard.birthDateKey, { calendar: myNumberCard.holder.birthDateCalendar })
)

/** Runs `program` on a freshly powered card; says how it ended and how many APDUs it sent. */
const runOn = (card: SimulatedCard, program: Effect.Effect<unknown, unknown, CardTransport>) => {
  const faulty = withFaults(SimTransport.make(card).transport, [])
  const exit = Effect.runSyncExit(program.pipe(Effect.provide(Layer.succeed(CardTransport, faulty.transport))))
  return { outcome: outcomeOf(exit), apdus: faulty.exchanges.length }
}

interface EntryPoint {
  readonly name: string
  readonly card: SimulatedCard
  /** Calls the entry point with `value` as the argument under test (the others valid). */
  readonly call: (value: unknown) => Effect.Effect<unknown, unknown, CardTransport>
  /** `options`: absent is the defaults, an array is wrong. `array`: absent is the default, an array is the shape. */
  readonly kind: "options" | "array" | "required"
  /** Values of the right outer shape with a field of the wrong type, or a wrong element, or a wrong name. */
  readonly wrong: ReadonlyArray<unknown>
  /** The typed error a wrong value gives. */
  readonly error?: typeof InvalidArgumentError | typeof InvalidCredentialError
}

const verifyOptions = [{ allowLastTry: "yes" }, { allowLastTry: 1 }]
const readOptions = [...verifyOptions, { items: "myNumber" }, { items: [1] }, { items: {} }]

const entryPoints: ReadonlyArray<EntryPoint> = [
  // Residence cards
  {
    name: "ResidenceCard.read options",
    card: gen1Card,
    call: (v) => ResidenceCard.read(CARD_NUMBER, v as never),
    kind: "options",
    wrong: [
      { files: "address" },
      { files: ["address", 7] },
      { files: ["frontimage"] },
      { generation: "1" },
      { generation: 3 },
      { onFile: "log" }
    ]
  },
  {
    name: "ResidenceCard.authenticate options",
    card: gen1Card,
    call: (v) => ResidenceCard.authenticate(CARD_NUMBER, gen1Detection, v as never),
    kind: "options",
    wrong: [{ generation: "2" }]
  },
  {
    name: "ResidenceCard.authenticate detection",
    card: gen1Card,
    call: (v) => ResidenceCard.authenticate(CARD_NUMBER, v as never),
    kind: "required",
    wrong: [
      { specVersion: "0001", cardType: "1", generation: 2 },
      { specVersion: "0001", cardType: 1, generation: 1 },
      { cardType: "1", generation: 1 },
      {}
    ]
  },
  {
    name: "ResidenceCard.readFiles options",
    card: gen1Card,
    call: (v) => ResidenceCard.readFiles(session, gen1Detection, v as never),
    kind: "options",
    wrong: [{ files: 1 }, { files: [null] }, { onFile: {} }]
  },
  {
    name: "ResidenceCard.readFiles session",
    card: gen1Card,
    call: (v) => ResidenceCard.readFiles(v as never, gen1Detection),
    kind: "required",
    wrong: [{ suite: tdes, decrypt: () => new Uint8Array(0) }]
  },
  {
    name: "ResidenceCard.readFiles detection",
    card: gen1Card,
    call: (v) => ResidenceCard.readFiles(session, v as never),
    kind: "required",
    wrong: [{ specVersion: "0001", cardType: "09", generation: 2 }]
  },
  {
    name: "ResidenceCard.cipherSuiteFor detection",
    card: gen1Card,
    call: (v) => ResidenceCard.cipherSuiteFor(v as never),
    kind: "required",
    wrong: [{ specVersion: "0001", cardType: "05", generation: 1 }]
  },
  {
    name: "ResidenceCard.cipherSuiteFor required generation",
    card: gen1Card,
    call: (v) => ResidenceCard.cipherSuiteFor(gen1Detection, v as never),
    kind: "options",
    wrong: [{ generation: 1 }, 0, "1"]
  },
  {
    name: "ResidenceCard.parse detection",
    card: gen1Card,
    call: (v) => ResidenceCard.parse(v as never, {}),
    kind: "required",
    wrong: [{ specVersion: 1, cardType: "1", generation: 1 }]
  },
  {
    name: "ResidenceCard.parse raw files",
    card: gen1Card,
    call: (v) => ResidenceCard.parse(gen1Detection, v as never),
    kind: "required",
    // Files decoded from a network message by a server: a file that is not bytes is the caller's, not the card's.
    wrong: [{ faceImage: "x" }, { frontImage: {} }, { renewalApplication: "abc" }, { signature: [1, 2] }]
  },
  {
    name: "ResidenceGen1.parse detection",
    card: gen1Card,
    call: (v) => Gen1.parse(v as never, {}),
    kind: "required",
    wrong: [{ specVersion: "0001", cardType: 1, generation: 1 }, {}]
  },
  {
    name: "ResidenceGen1.parse raw files",
    card: gen1Card,
    call: (v) => Gen1.parse(gen1Detection, v as never),
    kind: "required",
    wrong: [{ faceImage: 3 }, { address: new ArrayBuffer(4) }, { renewalApplication: "1" }]
  },
  {
    name: "ResidenceGen2.parse detection",
    card: gen2Card,
    call: (v) => Gen2.parse(v as never, {}),
    kind: "required",
    wrong: [{ specVersion: "0001", cardType: "05", generation: "2" }]
  },
  {
    name: "ResidenceGen2.parse raw files",
    card: gen2Card,
    call: (v) => Gen2.parse(gen2Detection, v as never),
    kind: "required",
    wrong: [{ renewalApplication: "abc" }, { nameAndFace: [0] }, { cardNumber: 12 }]
  },
  {
    name: "ResidenceGen1.readFiles options",
    card: gen1Card,
    call: (v) => Gen1.readFiles(session, gen1Detection, v as never),
    kind: "options",
    wrong: [{ files: ["nameAndFace"] }, { onFile: 1 }]
  },
  {
    name: "ResidenceGen2.readFiles options",
    card: gen2Card,
    call: (v) => Gen2.readFiles(session, gen2Detection, v as never),
    kind: "options",
    wrong: [{ files: ["frontImage"] }, { onFile: true }]
  },
  // My Number cards: the readers
  {
    name: "Kenhojo.read options",
    card: myNumberCard,
    call: (v) => Kenhojo.read({ pin: pins.kenhojo }, v as never),
    kind: "options",
    wrong: readOptions
  },
  ...(
    [
      ["readMyNumber", Kenhojo.readMyNumber],
      ["readBasicInfo", Kenhojo.readBasicInfo],
      ["readIntegrityRecord", Kenhojo.readIntegrityRecord]
    ] as const
  ).map(
    ([name, read]): EntryPoint => ({
      name: `Kenhojo.${name} options`,
      card: myNumberCard,
      call: (v) => read({ pin: pins.kenhojo }, v as never),
      kind: "options",
      wrong: verifyOptions
    })
  ),
  {
    name: "Kenkaku.read options",
    card: myNumberCard,
    call: (v) => Kenkaku.read({ verificationNumberA: myNumberCard.verificationCodeA }, v as never),
    kind: "options",
    wrong: readOptions
  },
  ...(
    [
      ["readCardFace", Kenkaku.readCardFace],
      ["readMyNumberImage", Kenkaku.readMyNumberImage]
    ] as const
  ).map(
    ([name, read]): EntryPoint => ({
      name: `Kenkaku.${name} options`,
      card: myNumberCard,
      call: (v) => read({ verificationNumberA: myNumberCard.verificationCodeA }, v as never),
      kind: "options",
      wrong: verifyOptions
    })
  ),
  {
    name: "Kenkaku.readAgeRecord options",
    card: myNumberCard,
    call: (v) => Kenkaku.readAgeRecord({ birthDateKey }, v as never),
    kind: "options",
    wrong: verifyOptions
  },
  {
    name: "Jpki.readSigningCertificate options",
    card: myNumberCard,
    call: (v) => Jpki.readSigningCertificate({ password: pins.jpkiSign }, v as never),
    kind: "options",
    wrong: verifyOptions
  },
  {
    name: "Jpki.readCertificates options",
    card: myNumberCard,
    call: (v) => Jpki.readCertificates(v as never),
    kind: "options",
    wrong: [{ allowLastTry: 0 }]
  },
  {
    name: "Jpki.sign options",
    card: myNumberCard,
    call: (v) => Jpki.sign({ key: "authentication", pin: pins.jpkiAuth }, new Uint8Array(32), v as never),
    kind: "options",
    wrong: verifyOptions
  },
  {
    name: "Jpki.readCertificate kind",
    card: myNumberCard,
    call: (v) => Jpki.readCertificate(v as never),
    kind: "required",
    // The signing certificate needs the signing password: readSigningCertificate.
    wrong: ["signing", "auth", "toString"]
  },
  {
    name: "Jpki.readCertificateFile kind",
    card: myNumberCard,
    call: (v) => Jpki.readCertificateFile(v as never),
    kind: "required",
    wrong: ["auth", "__proto__"]
  },
  {
    name: "CardPresence.provePresence options",
    card: myNumberCard,
    call: (v) => CardPresence.provePresence(v as never),
    kind: "options",
    wrong: [{ application: "jpki" }, { application: 1 }]
  },
  {
    name: "MyNumberCard.readPinStatus credentials",
    card: myNumberCard,
    call: (v) => MyNumberCard.readPinStatus(v as never),
    kind: "array",
    wrong: [["kenhojo.pim"], [42], [null]]
  },
  // My Number cards: the PIN guard
  {
    name: "PinGuard.verify options",
    card: myNumberCard,
    call: (v) => PinGuard.verify("kenhojo.pin", pin, v as never),
    kind: "options",
    wrong: verifyOptions
  },
  {
    name: "PinGuard.verify credential",
    card: myNumberCard,
    call: (v) => PinGuard.verify(v as never, pin),
    kind: "required",
    wrong: ["kenhojo.pim", "toString"]
  },
  {
    name: "PinGuard.verify secret",
    card: myNumberCard,
    call: (v) => PinGuard.verify("kenhojo.pin", v as never),
    kind: "required",
    wrong: [pins.kenhojo, { kind: "pin4", bytes: () => new Uint8Array(4) }],
    error: InvalidCredentialError
  },
  {
    name: "PinGuard.status credential",
    card: myNumberCard,
    call: (v) => PinGuard.status(v as never),
    kind: "required",
    wrong: ["kenhojo"]
  },
  {
    name: "PinGuard.queryTries credential",
    card: myNumberCard,
    call: (v) => PinGuard.queryTries(v as never),
    kind: "required",
    wrong: ["common.PIN"]
  },
  // My Number cards: secrets that take the card's calendar
  {
    name: "VerificationNumberB.parse options",
    card: myNumberCard,
    call: (v) => VerificationNumberB.parse(myNumberCard.verificationCodeB, v as never),
    kind: "required",
    wrong: [{ calendar: 1 }, { calendar: "gregorian" }],
    error: InvalidCredentialError
  },
  {
    name: "BirthDateKey.parse options",
    card: myNumberCard,
    call: (v) => BirthDateKey.parse(myNumberCard.birthDateKey, v as never),
    kind: "required",
    wrong: [{ calendar: null }],
    error: InvalidCredentialError
  },
  {
    name: "VerificationNumberB.build parts",
    card: myNumberCard,
    call: (v) => VerificationNumberB.build(v as never),
    kind: "required",
    wrong: [{ birthDate: "1980-02-17", calendar: "western", expiryYear: [2035], securityCode: "2285" }],
    error: InvalidCredentialError
  },
  {
    name: "BirthDateKey.build parts",
    card: myNumberCard,
    call: (v) => BirthDateKey.build(v as never),
    kind: "required",
    wrong: [{ birthDate: 19800217, calendar: "western" }],
    error: InvalidCredentialError
  }
]

/** The shapes no entry point takes where these arguments go (an array only where a list is the argument). */
const wrongShapes = (entry: EntryPoint): ReadonlyArray<unknown> => [
  null,
  42,
  "x",
  true,
  new Uint8Array(2),
  () => undefined,
  ...(entry.kind === "array" ? [] : [[]]),
  ...(entry.kind === "required" ? [undefined] : []),
  ...entry.wrong
]

const assertRefused = (entry: EntryPoint, value: unknown, run: { outcome: Outcome<unknown>; apdus: number }) => {
  const what = `${entry.name} given ${JSON.stringify(value) ?? String(value)}`
  assert.strictEqual(run.outcome._tag, "Failure", `${what} was accepted`)
  if (run.outcome._tag !== "Failure") return
  const error = run.outcome.error
  assert.isTrue(error instanceof (entry.error ?? InvalidArgumentError), `${what}: ${error._tag}`)
  assert.strictEqual(run.apdus, 0, `${what}: ${run.apdus} APDUs before the error`)
  if (error instanceof InvalidArgumentError) {
    assert.match(error.step, /^(residence|mynumber)\./, what)
    assert.include(error.message, "nothing was sent to the card", what)
  }
}

describe("every entry point refuses a wrong shape with a typed error before any APDU", () => {
  for (const entry of entryPoints)
    it(entry.name, () => {
      for (const value of wrongShapes(entry)) assertRefused(entry, value, runOn(entry.card, entry.call(value)))
      // Absent options are the defaults: whatever the run gives, it is typed (outcomeOf throws on a defect).
      if (entry.kind !== "required") runOn(entry.card, entry.call(undefined))
    })
})

describe("any value as an options object", () => {
  const optionEntries = entryPoints.filter((e) =>
    ["ResidenceCard.read options", "Kenhojo.read options", "Jpki.readCertificates options"].includes(e.name)
  )
  for (const entry of optionEntries)
    it(`${entry.name}: a result or a typed error, and no APDU before an InvalidArgumentError`, () =>
      fc.assert(
        fc.property(fc.anything(), (value) => {
          const run = runOn(entry.card, entry.call(value))
          if (run.outcome._tag === "Failure" && run.outcome.error instanceof InvalidArgumentError)
            assert.strictEqual(run.apdus, 0)
        }),
        { numRuns: 40 }
      ))
})

describe("the Promise façade", () => {
  const transport = () => SimTransport.make(gen1Card).transport

  it("readResidenceCard(null) rejects with a typed error, not a TypeError", async () => {
    const error = await (readResidenceCard as (...args: Array<unknown>) => Promise<unknown>)(null).catch((e) => e)
    assert.instanceOf(error, InvalidArgumentError)
    assert.include((error as InvalidArgumentError).message, "transport")
  })

  it("wrong options reject with an InvalidArgumentError", async () => {
    for (const options of [null, 7, { generation: "1" }, { files: "address" }]) {
      const error = await readResidenceCard(transport(), CARD_NUMBER, options as never).catch((e) => e)
      assert.instanceOf(error, InvalidArgumentError, JSON.stringify(options))
    }
  })

  it("detectResidenceCard with something that is not a transport rejects with an InvalidArgumentError", async () => {
    for (const value of [undefined, {}, { transmit: 1, capabilities: {} }, { transmit: () => undefined }]) {
      const error = await detectResidenceCard(value as never).catch((e) => e)
      assert.instanceOf(error, InvalidArgumentError, JSON.stringify(value))
    }
  })
})
