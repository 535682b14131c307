// What a user (or a JavaScript caller) hands the library: card numbers, PINs, passwords, My Numbers, 照合番号B, birth
// dates, credentials and digests of any shape. Each is a value or a typed error before any APDU, never a throw, and
// no error repeats what was typed.
import { MyNumberCard as MyNumberSim, SimTransport } from "@jpcard/sim"
import { Effect, Layer, Result } from "effect"
import fc from "fast-check"
import { assert, describe, it } from "vitest"
import * as CardPresence from "../../src/mynumber/CardPresence.js"
import {
  CredentialScopeError,
  InvalidCredentialError,
  InvalidDigestError,
  InvalidNonceError
} from "../../src/mynumber/Errors.js"
import * as Jpki from "../../src/mynumber/jpki/Jpki.js"
import * as Kenhojo from "../../src/mynumber/kenhojo/Kenhojo.js"
import * as Kenkaku from "../../src/mynumber/kenkaku/Kenkaku.js"
import {
  BirthDateKey,
  MyNumber,
  Pin4,
  SigningPassword,
  VerificationNumberA,
  VerificationNumberB
} from "../../src/mynumber/Pin.js"
import { CardNumber } from "../../src/residence/CardNumber.js"
import { InvalidCardNumberError } from "../../src/residence/Errors.js"
import { CardTransport, type CardTransportShape } from "../../src/transport/CardTransport.js"
import { withFaults } from "./harness/Faults.js"
import { outcomeOf } from "./harness/Outcome.js"

/** Secret-shaped text: long enough that finding it in a message cannot be chance. */
const secretText = fc.stringMatching(/^[0-9A-Z]{6,16}$/)
const anyInput = fc.oneof(fc.anything(), fc.string(), secretText)

describe("card numbers", () => {
  it("CardNumber.parse: anything gives a card number or an InvalidCardNumberError", () =>
    fc.assert(
      fc.property(anyInput, (input) => {
        const outcome = outcomeOf(Effect.runSyncExit(CardNumber.parse(input as string)))
        assert.strictEqual(CardNumber.isValid(input as string), outcome._tag === "Success")
        if (outcome._tag === "Success") return
        assert.instanceOf(outcome.error, InvalidCardNumberError)
        if (typeof input === "string" && input.length >= 6) assert.notInclude(outcome.error.message, input)
      }),
      // A JavaScript caller's number or `undefined` threw a TypeError from `trim` (a defect, not a typed error).
      { numRuns: 300, examples: [[undefined], [null], [12345678], [{}]] }
    ))

  it("a number one character off is rejected without being repeated", () =>
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{2}[0-9]{7}[A-Z]{3}$/), (input) => {
        const outcome = outcomeOf(Effect.runSyncExit(CardNumber.parse(input)))
        assert.strictEqual(outcome._tag, "Failure")
        if (outcome._tag === "Failure") assert.notInclude(JSON.stringify(outcome.error) + outcome.error.message, input)
      }),
      { numRuns: 100 }
    ))
})

describe("secrets", () => {
  const calendar = fc.constantFrom("japanese", "western", "julian", undefined)
  const parsers: ReadonlyArray<
    readonly [string, (input: unknown, calendar: unknown) => Result.Result<unknown, unknown>]
  > = [
    ["Pin4", (input) => Pin4.parseResult(input as string)],
    ["SigningPassword", (input) => SigningPassword.parseResult(input as string)],
    ["MyNumber", (input) => MyNumber.parseResult(input as string)],
    ["VerificationNumberA", (input) => VerificationNumberA.parseResult(input as string)],
    [
      "VerificationNumberB",
      (input, c) => VerificationNumberB.parseResult(input as string, { calendar: c as "japanese" })
    ],
    ["BirthDateKey", (input, c) => BirthDateKey.parseResult(input as string, { calendar: c as "japanese" })]
  ]

  for (const [name, parse] of parsers)
    it(`${name}: anything gives a secret or an InvalidCredentialError that does not repeat it`, () =>
      fc.assert(
        fc.property(anyInput, calendar, (input, c) => {
          const parsed = parse(input, c)
          if (Result.isSuccess(parsed)) return void assert.strictEqual(String(parsed.success), `${name}(<redacted>)`)
          assert.instanceOf(parsed.failure, InvalidCredentialError)
          if (typeof input === "string" && /^[0-9A-Z]{6,}$/.test(input))
            assert.notInclude(JSON.stringify(parsed.failure) + (parsed.failure as Error).message, input)
        }),
        { numRuns: 200 }
      ))

  const birthDate = fc.oneof(
    fc.anything(),
    fc.string(),
    fc.record({ year: fc.anything(), month: fc.anything(), day: fc.anything() }),
    fc.record({
      era: fc.constantFrom("meiji", "taisho", "showa", "heisei", "reiwa", "edo"),
      year: fc.integer({ min: -5, max: 120 }),
      month: fc.integer({ min: -1, max: 14 }),
      day: fc.integer({ min: -1, max: 32 })
    }),
    fc
      .tuple(fc.integer({ min: 1800, max: 2100 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${y}-${`${m}`.padStart(2, "0")}-${`${d}`.padStart(2, "0")}`)
  )

  it("VerificationNumberB and BirthDateKey built from any parts", () =>
    fc.assert(
      fc.property(birthDate, calendar, anyInput, anyInput, (date, c, expiryYear, securityCode) => {
        const parts = { birthDate: date, calendar: c, expiryYear, securityCode } as never
        const builds: ReadonlyArray<Result.Result<unknown, unknown>> = [
          VerificationNumberB.buildResult(parts),
          BirthDateKey.buildResult(parts)
        ]
        for (const built of builds)
          if (Result.isFailure(built)) assert.instanceOf(built.failure, InvalidCredentialError)
      }),
      { numRuns: 300 }
    ))
})

describe("credentials and digests handed to the readers", () => {
  const card = MyNumberSim.make({ seed: 1 })

  /** Runs a reader on the simulated card and says how many APDUs it sent. */
  const runReader = (program: Effect.Effect<unknown, unknown, CardTransport>) => {
    const faulty = withFaults(SimTransport.make(card).transport, [])
    const transport: CardTransportShape = faulty.transport
    const outcome = outcomeOf(Effect.runSyncExit(program.pipe(Effect.provide(Layer.succeed(CardTransport, transport)))))
    return { outcome, apdus: faulty.exchanges.length }
  }

  /** Refusing the input is a typed error before any APDU ("nothing was sent to the card"). */
  const refusedBeforeAnyApdu = ({ outcome, apdus }: ReturnType<typeof runReader>) => {
    if (outcome._tag !== "Failure") return
    const error = outcome.error
    if (
      error instanceof InvalidCredentialError ||
      error instanceof InvalidDigestError ||
      error instanceof InvalidNonceError ||
      error instanceof CredentialScopeError
    )
      assert.strictEqual(apdus, 0, `${error._tag} after ${apdus} APDUs`)
  }

  const credential = fc.oneof(
    fc.anything(),
    fc.string(),
    fc.record({ pin: anyInput }),
    fc.record({ verificationNumberA: anyInput }),
    fc.record({ verificationNumberB: anyInput }),
    fc.record({ birthDateKey: anyInput }),
    fc.record({ password: anyInput })
  )
  const items = fc.option(fc.array(fc.constantFrom("myNumber", "basicInfo", "cardFace", "certificate", "x")), {
    nil: undefined
  })

  it("kenhojo and kenkaku: any credential and items", () =>
    fc.assert(
      fc.property(credential, items, (c, wanted) => {
        const options = { items: wanted } as never
        refusedBeforeAnyApdu(runReader(Kenhojo.read(c as never, options)))
        refusedBeforeAnyApdu(runReader(Kenkaku.read(c as never, options)))
      }),
      // A credential that is not an object (a bare PIN string, `undefined`) made the `in` check throw a TypeError.
      {
        numRuns: 200,
        examples: [
          ["1234", undefined],
          [undefined, undefined],
          [null, undefined],
          [42, undefined]
        ]
      }
    ))

  it("JPKI: any sign request, digest and signing password", () =>
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.record({ key: fc.constantFrom("authentication", "signing"), pin: anyInput })),
        fc.oneof(fc.anything(), fc.uint8Array({ minLength: 30, maxLength: 34 })),
        credential,
        (request, digest, password) => {
          refusedBeforeAnyApdu(runReader(Jpki.sign(request as never, digest as never)))
          refusedBeforeAnyApdu(runReader(Jpki.readSigningCertificate(password as never)))
          refusedBeforeAnyApdu(runReader(Jpki.readCertificates({ signingPassword: password as never })))
        }
      ),
      // A request or credential that is not an object threw a TypeError reading `.key` / `.password`.
      {
        numRuns: 150,
        examples: [
          [undefined, new Uint8Array(32), undefined],
          [null, new Uint8Array(32), null],
          ["1234", new Uint8Array(32), "ABC123"]
        ]
      }
    ))

  it("presence proof: any nonce is used as given or refused with a typed error", () =>
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.anything()), (nonce) => {
        const run = runReader(CardPresence.provePresence({ nonce: nonce as never }))
        refusedBeforeAnyApdu(run)
        // No nonce means 16 fresh bytes from SecureRandom.
        const fits = nonce === undefined || (nonce instanceof Uint8Array && nonce.length >= 1 && nonce.length <= 64)
        assert.strictEqual(run.outcome._tag === "Failure" && run.outcome.error instanceof InvalidNonceError, !fits)
      }),
      // An empty or 65-byte nonce was an Effect.die (a defect) rather than a typed error.
      { numRuns: 100, examples: [[new Uint8Array(0)], [new Uint8Array(65)]] }
    ))
})
