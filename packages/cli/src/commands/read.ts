/**
 * `jpcard read residence` and `jpcard read mynumber`: read a card on a PC/SC reader, print it (text, or JSON with
 * `--json`), save images (native format and PNG) and the saved read with `--out DIR`, and verify it with `--verify`.
 */
import { CardNumber, MyNumber, ResidenceCard } from "@jpcard/core"
import { PcscTransport } from "@jpcard/transport-pcsc"
import { type Report, Residence, type Trust, MyNumber as VerifyMyNumber } from "@jpcard/verify"
import { Console, Effect, Option, Redacted } from "effect"
import { Command, Flag } from "effect/cli"
import { InvalidInputError } from "../Errors.js"
import { toggle } from "../Flags.js"
import { makeOutDir, progress, toText } from "../Output.js"
import { basicInfoData, cardFaceData, render, summary } from "../Render.js"
import * as SavedRead from "../SavedRead.js"
import { optionalVariable, refusedArguments, refusedFlag, refuseOnCommandLine, secret } from "../Secrets.js"
import { onCard, readerFlags } from "../Session.js"
import { cvcTrust, reportText, requireVerified, residenceTrust, trustFlags, verifyOptions } from "../Verification.js"

const json = toggle("json", "print one JSON object on stdout instead of text (images as files with --out, else base64)")
const out = Flag.String("out").pipe(
  Flag.withDescription(
    "write the images (native format and PNG) and the saved read (raw card files, for `jpcard verify`) to this folder, readable by you only: it holds personal data"
  ),
  Flag.optional
)
const verify = toggle(
  "verify",
  "verify the card's signature as it is read (exit code 5 when it does not verify); implied by --trust and --trust-test-ca"
)
const allowLastTry = toggle(
  "allow-last-try",
  "send the PIN even when the card has a single try left, where a wrong one locks it for good (only the municipal office can reset it). Without it, jpcard refuses and sends nothing"
)

const noResidenceAnchors: Trust.ResidenceTrust = {
  _tag: "ResidenceTrust",
  profile: "production",
  anchors: [],
  skipped: []
}

const warn = (message: string) => progress(`warning: ${message}`)

// ---------------------------------------------------------------------------------------------------------------
// read residence

const residence = Command.make(
  "residence",
  {
    ...readerFlags,
    cardNumberEnv: Flag.String("card-number-env").pipe(
      Flag.withDescription(
        "the environment variable holding the 12-character card number (2 letters, 8 digits, 2 letters, printed at the top right of the card). When it is not set, jpcard asks for the number without echoing it"
      ),
      Flag.withDefault("JPCARD_CARD_NUMBER")
    ),
    out,
    json,
    verify,
    ...trustFlags,
    cardNumber: refusedFlag("card-number"),
    args: refusedArguments
  },
  (c) =>
    Effect.gen(function* () {
      yield* refuseOnCommandLine(
        c.args,
        [["card number", c.cardNumber]],
        `Set ${c.cardNumberEnv} in the environment (or name another variable with --card-number-env), or run jpcard in a terminal and type the number at the prompt, which does not echo it`,
        [["--card-number-env", c.cardNumberEnv]]
      )
      const verifying = c.verify || c.trustTestCa || Option.isSome(c.trust)
      const trust = verifying ? yield* residenceTrust(c) : undefined
      const number = Redacted.value(yield* secret("card number", c.cardNumberEnv))
      yield* CardNumber.parse(number) // before connecting: a mistyped number never reaches the card
      const { reader, card } = yield* onCard(
        Effect.gen(function* () {
          const session = yield* PcscTransport.PcscSession
          progress("reading the residence card")
          const card = yield* ResidenceCard.read(number, {
            onFile: (file, done, total) => progress(`  ${done}/${total} ${file}`)
          })
          return { reader: session.reader, card }
        }),
        c,
        { sendsSecret: false } // a wrong card number never locks a residence card (在留カード等仕様書 §4.2.2(2))
      )
      progress(`read: ${summary(card)}`)

      const outDir = Option.getOrUndefined(c.out)
      const rendered = yield* render(card, {
        outDir,
        warn,
        bytes: c.json ? "base64" : "length",
        embedImages: c.json
      })
      let saved: string | undefined
      if (outDir !== undefined) {
        yield* makeOutDir(outDir)
        saved = yield* SavedRead.write(outDir, "read.json", `residence-gen${card.generation}`, card.raw)
        progress(`saved: images and ${saved}`)
      }
      let report: Report.Report | undefined
      if (verifying) {
        if (trust === undefined)
          warn(
            "no trust anchors given: pass --trust DIR with the agency's CA files (or --trust-test-ca for a simulated card)"
          )
        report = yield* Residence.verifyCard(card, trust ?? noResidenceAnchors, verifyOptions)
      }

      if (c.json)
        yield* Console.log(
          JSON.stringify(
            { reader, card: rendered, ...(report ? { verification: report } : {}), ...(saved ? { saved } : {}) },
            null,
            2
          )
        )
      else {
        yield* Console.log(`residence card (reader "${reader}")\n${toText(rendered, "  ")}`)
        if (report) yield* Console.log(`verification: ${reportText(report)}`)
      }
      if (report) yield* requireVerified([report])
    })
).pipe(
  Command.withDescription(
    "Read a residence card (在留カード) or special permanent resident certificate (特別永住者証明書), either generation. The card number comes from $JPCARD_CARD_NUMBER (see --card-number-env) or a prompt without echo, never from the command line. Exit codes: 2 usage, 3 card (e.g. wrong card number), 4 reader, 5 not verified"
  )
)

// ---------------------------------------------------------------------------------------------------------------
// read mynumber

type Item = "basic" | "my-number" | "face"
const allItems: ReadonlyArray<Item> = ["basic", "my-number", "face"]

const parseItems = (value: Option.Option<string>, credential: "pin" | "verification-number-b") =>
  Effect.suspend(() => {
    const available: ReadonlyArray<Item> = credential === "pin" ? allItems : ["basic", "face"]
    if (Option.isNone(value)) return Effect.succeed(available)
    const items = value.value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "")
    const unknown = items.find((i) => !(allItems as ReadonlyArray<string>).includes(i))
    if (unknown !== undefined || items.length === 0)
      return Effect.fail(
        new InvalidInputError({ detail: `--items takes a comma-separated list of ${allItems.join(", ")}` })
      )
    if (credential !== "pin" && items.includes("my-number"))
      return Effect.fail(
        new InvalidInputError({
          detail: "照合番号B does not open the My Number: use --with pin (the 4-digit PIN for the card text)"
        })
      )
    return Effect.succeed(allItems.filter((i) => items.includes(i)))
  })

/** 照合番号B from JPCARD_VERIFICATION_NUMBER_B, or from its parts (each from its variable or a hidden prompt). */
const verificationNumberB = (calendar: Option.Option<"japanese" | "western">) =>
  Effect.gen(function* () {
    if (Option.isNone(calendar))
      return yield* new InvalidInputError({
        detail:
          "照合番号B needs --calendar: japanese when the card prints the birth date in the Japanese era (Japanese nationals), western when it prints it in the Western calendar"
      })
    const whole = yield* optionalVariable("JPCARD_VERIFICATION_NUMBER_B")
    if (Option.isSome(whole))
      return yield* MyNumber.VerificationNumberB.parse(Redacted.value(whole.value), { calendar: calendar.value })
    const birthDate = yield* secret("birth date (YYYY-MM-DD, Western calendar)", "JPCARD_BIRTH_DATE")
    const expiryYear = yield* secret("year of the card's expiry (有効期限, 4 digits)", "JPCARD_EXPIRY_YEAR")
    const securityCode = yield* secret("security code (セキュリティコード, 4 digits)", "JPCARD_SECURITY_CODE")
    return yield* MyNumber.VerificationNumberB.build({
      birthDate: Redacted.value(birthDate),
      calendar: calendar.value,
      expiryYear: Redacted.value(expiryYear),
      securityCode: Redacted.value(securityCode)
    })
  })

const mynumber = Command.make(
  "mynumber",
  {
    ...readerFlags,
    with: Flag.Literals("with", ["pin", "verification-number-b"]).pipe(
      Flag.withDescription(
        "the secret to open the card with: pin (default: the 4-digit PIN for the card text, 券面事項入力補助用暗証番号; opens everything) or verification-number-b (照合番号B: birth date, expiry year and security code; opens the basic information and the card face, not the My Number)"
      ),
      Flag.withDefault("pin" as const)
    ),
    pinEnv: Flag.String("pin-env").pipe(
      Flag.withDescription(
        "the environment variable holding the 4-digit PIN; when it is not set, jpcard asks for it without echo"
      ),
      Flag.withDefault("JPCARD_PIN")
    ),
    calendar: Flag.Literals("calendar", ["japanese", "western"]).pipe(
      Flag.withDescription(
        "with verification-number-b: how the card prints the birth date (japanese: era, as on a Japanese national's card; western). 照合番号B is taken from $JPCARD_VERIFICATION_NUMBER_B (14 digits), else from $JPCARD_BIRTH_DATE (YYYY-MM-DD), $JPCARD_EXPIRY_YEAR and $JPCARD_SECURITY_CODE, each asked for without echo when not set"
      ),
      Flag.optional
    ),
    items: Flag.String("items").pipe(
      Flag.withDescription(
        "what to read, comma-separated: basic (name, address, birth date, sex), my-number, face (the card face: photo, name and address images). Default: all the secret opens"
      ),
      Flag.optional
    ),
    allowLastTry,
    out,
    json,
    verify: toggle(
      "verify",
      "verify the records' signatures (J-LIS CVC keys) as they are read (exit code 5 when they do not verify); implied by --trust-test-ca"
    ),
    profile: trustFlags.profile,
    trustTestCa: trustFlags.trustTestCa,
    pin: refusedFlag("pin"),
    verificationNumberBFlag: refusedFlag("verification-number-b"),
    args: refusedArguments
  },
  (c) =>
    Effect.gen(function* () {
      yield* refuseOnCommandLine(
        c.args,
        [
          ["PIN", c.pin],
          ["照合番号B", c.verificationNumberBFlag]
        ],
        `Set ${c.pinEnv} (see --pin-env), or JPCARD_VERIFICATION_NUMBER_B or its parts with --with verification-number-b, or run jpcard in a terminal and type them at the prompt, which does not echo them`,
        [["--pin-env", c.pinEnv]]
      )
      const items = yield* parseItems(c.items, c.with)
      const verifying = c.verify || c.trustTestCa
      const saving = Option.isSome(c.out)
      const trust = verifying
        ? yield* cvcTrust({ trust: Option.none(), profile: c.profile, trustTestCa: c.trustTestCa })
        : undefined
      const options = { allowLastTry: c.allowLastTry }
      const withRecords = verifying || saving

      // Secrets first, validated before connecting: a mistyped value never reaches the card.
      const credential =
        c.with === "pin"
          ? {
              pin: yield* MyNumber.Pin4.parse(Redacted.value(yield* secret("4-digit PIN for the card text", c.pinEnv)))
            }
          : { verificationNumberB: yield* verificationNumberB(c.calendar) }

      const read = yield* onCard(
        Effect.gen(function* () {
          const session = yield* PcscTransport.PcscSession
          const needFace = items.includes("face")
          const kenhojoItems: Array<MyNumber.Kenhojo.Item> = []
          if (items.includes("my-number") || (needFace && "pin" in credential)) kenhojoItems.push("myNumber")
          if (items.includes("basic")) kenhojoItems.push("basicInfo")
          if (withRecords && kenhojoItems.length > 0) kenhojoItems.push("integrityRecord", "certificate")
          let kenhojo: MyNumber.Kenhojo.KenhojoData | undefined
          if (kenhojoItems.length > 0) {
            progress("券面事項入力補助AP (card text): checking the tries left, then one VERIFY")
            kenhojo = yield* MyNumber.Kenhojo.read(credential, { ...options, items: kenhojoItems })
          }
          let kenkaku: MyNumber.Kenkaku.KenkakuData | undefined
          if (needFace) {
            progress("券面事項確認AP (card face): checking the tries left, then one VERIFY")
            const faceCredential =
              "pin" in credential
                ? { verificationNumberA: kenhojo!.myNumber!.myNumber }
                : { verificationNumberB: credential.verificationNumberB }
            kenkaku = yield* MyNumber.Kenkaku.read(faceCredential, {
              ...options,
              items: withRecords ? ["cardFace", "certificate"] : ["cardFace"]
            })
          }
          return { reader: session.reader, kenhojo, kenkaku }
        }),
        c,
        { sendsSecret: true }
      )

      const { kenhojo, kenkaku } = read
      const basic = kenhojo?.basicInfo
      const face = kenkaku?.cardFace
      const data = {
        ...(basic && items.includes("basic") ? { basicInfo: basicInfoData(basic) } : {}),
        // What this command is for: printed because it was asked for (`--items` can leave it out).
        ...(kenhojo?.myNumber && items.includes("my-number") ? { myNumber: kenhojo.myNumber.myNumber.reveal() } : {}),
        ...(face ? { cardFace: cardFaceData(face) } : {})
      }
      const outDir = Option.getOrUndefined(c.out)
      const rendered = yield* render(data, { outDir, warn, bytes: c.json ? "base64" : "length", embedImages: c.json })

      const kenhojoRead =
        kenhojo?.integrityRecord !== undefined ? yield* VerifyMyNumber.fromKenhojoData(kenhojo) : undefined
      // The My Number's file is kept, saved and verified only when the My Number was asked for (with the PIN it is
      // read anyway, as the card face's credential).
      const kenhojoFiles =
        kenhojoRead && !items.includes("my-number") ? { ...kenhojoRead, ef0001: undefined } : kenhojoRead
      const kenkakuFiles =
        kenkaku?.certificate !== undefined ? yield* VerifyMyNumber.fromKenkakuData(kenkaku) : undefined
      const saved: Array<string> = []
      if (outDir !== undefined) {
        yield* makeOutDir(outDir)
        if (kenhojoFiles)
          saved.push(yield* SavedRead.write(outDir, "kenhojo.read.json", "mynumber-kenhojo", kenhojoFiles))
        if (kenkakuFiles)
          saved.push(yield* SavedRead.write(outDir, "kenkaku.read.json", "mynumber-kenkaku", kenkakuFiles))
        progress(`saved: images and ${saved.join(", ")}`)
      }
      const reports: Array<Report.Report> = []
      if (trust !== undefined) {
        if (kenhojoFiles) reports.push(yield* VerifyMyNumber.verifyKenhojo(kenhojoFiles, trust, verifyOptions))
        if (kenkakuFiles) reports.push(yield* VerifyMyNumber.verifyKenkaku(kenkakuFiles, trust, verifyOptions))
      }

      if (c.json)
        yield* Console.log(
          JSON.stringify(
            {
              reader: read.reader,
              ...(rendered as object),
              ...(trust !== undefined ? { verification: reports } : {}),
              ...(saved.length > 0 ? { saved } : {})
            },
            null,
            2
          )
        )
      else {
        yield* Console.log(`My Number card (reader "${read.reader}")\n${toText(rendered, "  ")}`)
        for (const report of reports) yield* Console.log(`verification: ${reportText(report)}`)
      }
      yield* requireVerified(reports)
    })
).pipe(
  Command.withDescription(
    "Read a My Number card (マイナンバーカード): the basic information (name, address, birth date, sex), the My Number itself (printed because this command is for reading it; --items can leave it out) and the card face. The PIN comes from $JPCARD_PIN (see --pin-env) or a prompt without echo; it is sent once, never retried, and not at all when one try is left unless --allow-last-try is given. Exit codes: 2 usage, 3 card (wrong or locked PIN, last try refused), 4 reader, 5 not verified"
  )
)

export const read = Command.make("read").pipe(
  Command.withDescription("Read a card on a PC/SC reader"),
  Command.withSubcommands([residence, mynumber])
)
