/**
 * Detection before authentication: MF/EF01 (spec version) and MF/EF02 (card type) are free to read
 * (在留カード等仕様書 Ver 1.5 表3-4/表3-5, p. 9). The card type decides the generation and so the cipher suite: a
 * second-generation card answers the first-generation handshake with `63 00`, so guessing is not an option.
 * EF02 is read by its TLV length, never as a fixed 3 bytes, because generation 2 stores two characters (`C1 02 30 35`).
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import * as Apdu from "../apdu/Apdu.js"
import * as Input from "../Input.js"
import * as Iso7816 from "../iso7816/Iso7816.js"
import * as Tlv from "../tlv/Tlv.js"
import { CardTransport } from "../transport/CardTransport.js"
import { CardDataError, UnsupportedCardError } from "./Errors.js"
import { mf } from "./Files.js"
import { decodeAscii } from "./Text.js"

export type CardType = "1" | "2" | "05" | "06" | "07" | "08"

export interface Detection {
  /** 仕様バージョン番号 from MF/EF01 tag C0, e.g. "0001". */
  readonly specVersion: string
  readonly cardType: CardType
  /** 1: TDES, card types 1 and 2. 2: AES, card types 05 and 06. "specified": 07 and 08 on a My Number card chip. */
  readonly generation: 1 | 2 | "specified"
}

const generationOf: Record<CardType, Detection["generation"]> = {
  "1": 1,
  "2": 1,
  "05": 2,
  "06": 2,
  "07": "specified",
  "08": "specified"
}

const isCardType = (value: string): value is CardType => Object.hasOwn(generationOf, value)

/**
 * A detection as `detect` returns it: a known card type and its own generation. Checked where a caller hands one back
 * (a JavaScript caller may pass anything), since the generation picks the cipher suite the card number is used with.
 */
export const isDetection = (value: unknown): value is Detection =>
  Input.isRecord(value) &&
  typeof value.specVersion === "string" &&
  typeof value.cardType === "string" &&
  isCardType(value.cardType) &&
  value.generation === generationOf[value.cardType]

export const detectionCheck: Input.Check = {
  expected: "the detection detect() returned (card type and its generation)",
  is: isDetection
}

/**
 * Reads a small free EF whole: the spec's extended form `00 B0 P1 00 00 00 00`, or short Le `00` on short links
 * (and again in short form if a reader that claimed extended support answers 6700). Returns the response with its
 * status, for `detect` to judge.
 */
const readFree = (sfi: number, step: string) =>
  Effect.gen(function* () {
    const transport = yield* CardTransport
    const [p1, p2] = Iso7816.readBinaryP1P2({ sfi }, 0)
    const send = () => {
      const extended = Iso7816.useExtended(transport)
      return Iso7816.exchange(Apdu.command(0x00, 0xb0, p1, p2, undefined, extended ? 65536 : 256), {
        step,
        form: extended ? "extended" : "short"
      })
    }
    const response = yield* send()
    if (response.sw === 0x6700 && Iso7816.useExtended(transport)) {
      Iso7816.markExtendedRefused(transport)
      return yield* send()
    }
    return response
  })

/** Parses MF/EF01 or MF/EF02: one data object with the given tag, printable ASCII, zero padding allowed after it. */
export const parseFreeObject = (
  data: Uint8Array,
  tag: number,
  step: string,
  field: string
): Result.Result<string, CardDataError> => {
  const decoded = Tlv.decodeAllResult(data, { trailing: "zeros" })
  if (Result.isFailure(decoded)) return Result.fail(new CardDataError({ step, field, detail: decoded.failure.message }))
  const object = Tlv.find(decoded.success, tag)
  if (object === undefined)
    return Result.fail(
      new CardDataError({ step, field, detail: `no data object with tag ${tag.toString(16).toUpperCase()}` })
    )
  const text = decodeAscii(object.value)
  if (text === undefined || text.length === 0)
    return Result.fail(new CardDataError({ step, field, detail: "not printable ASCII" }))
  return Result.succeed(text)
}

/** Reads MF/EF01 and MF/EF02 and classifies the card. Fails with `UnsupportedCardError` for an unknown card type. */
export const detect = Effect.fn("residence.detect")(function* () {
  const step = "residence.detect"
  let commonResponse = yield* readFree(mf.commonData.sfi, `${step}.commonData`)
  if (commonResponse.sw === 0x6a82) {
    // After activation the MF is current (在留カード等仕様書 §3.1, p. 6), so a fresh session needs no SELECT. On a
    // session that already selected a DF, the MF's short EF identifiers are not found: select the MF, read again.
    yield* Iso7816.selectMf(`${step}.selectMf`)
    commonResponse = yield* readFree(mf.commonData.sfi, `${step}.commonData`)
  }
  const common = yield* Iso7816.expectOk(`${step}.commonData`)(commonResponse)
  const specVersion = yield* Effect.fromResult(parseFreeObject(common, 0xc0, step, "MF/EF01 仕様バージョン番号"))
  const typeData = yield* Effect.flatMap(
    readFree(mf.cardType.sfi, `${step}.cardType`),
    Iso7816.expectOk(`${step}.cardType`)
  )
  const cardType = yield* Effect.fromResult(parseFreeObject(typeData, 0xc1, step, "MF/EF02 カード種別"))
  if (!isCardType(cardType)) return yield* UnsupportedCardError.unknownCardType(step, cardType)
  return { specVersion, cardType, generation: generationOf[cardType] } satisfies Detection as Detection
})
