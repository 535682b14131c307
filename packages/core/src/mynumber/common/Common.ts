/**
 * 共通AP (common, AID `D3921000310001010100`): the card information record, free to read: the card's serial
 * number, the issuing municipality's code and the card's expiry. shared/reference/mynumber-card.md §3.4, §8.8.
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import * as Apdu from "../../apdu/Apdu.js"
import { copy } from "../../Bytes.js"
import * as Iso7816 from "../../iso7816/Iso7816.js"
import type { CalendarDate } from "../../schema/CalendarDate.js"
import { CardDataError } from "../Errors.js"
import * as PinGuard from "../PinGuard.js"
import { selectApplication, selectEf } from "../Read.js"
import { ascii, date } from "../Records.js"

export const files = { cardInfo: 0x0001 } as const

/** SELECT the common application (`6A 82`: `NotMyNumberCardError`). */
export const select = () => selectApplication("common")

export interface CardInfo {
  /** The card's 15-digit serial number (製造番号). */
  readonly serialNumber: string
  /** The 5-digit code of the issuing municipality (全国地方公共団体コード without its check digit). */
  readonly municipalityCode: string
  /** The card's expiry (有効期限), Gregorian. */
  readonly expiry: CalendarDate
  /** Record 1 as read (simple TLV `01 1C` + 28 digits). */
  readonly raw: Uint8Array
}

/** One simple-TLV object (JICSAP 4.4.1: 1-byte tag, length in 1 byte or `FF` + 2 bytes) filling `bytes`. */
const simpleTlv = (bytes: Uint8Array): { readonly tag: number; readonly value: Uint8Array } | undefined => {
  if (bytes.length < 2) return undefined
  const tag = bytes[0]!
  let length = bytes[1]!
  let start = 2
  if (length === 0xff) {
    if (bytes.length < 4) return undefined
    length = (bytes[2]! << 8) | bytes[3]!
    start = 4
  }
  return start + length === bytes.length ? { tag, value: bytes.subarray(start) } : undefined
}

export const parseCardInfo = (raw: Uint8Array, step: string): Result.Result<CardInfo, CardDataError> => {
  const at = { step, field: "common EF0001 record 1" }
  const object = simpleTlv(raw)
  if (object === undefined || object.tag !== 0x01)
    return Result.fail(new CardDataError({ ...at, detail: "not one simple-TLV object with tag 01" }))
  const text = ascii(object.value)
  if (text === undefined || !/^[0-9]{28}$/.test(text))
    return Result.fail(new CardDataError({ ...at, detail: "not 28 digits (serial, municipality code, expiry)" }))
  return Result.map(date(object.value.subarray(20, 28), { ...at, field: `${at.field} (expiry)` }), (expiry) => ({
    serialNumber: text.slice(0, 15),
    municipalityCode: text.slice(15, 20),
    expiry,
    raw: copy(raw)
  }))
}

/** Record 1 of EF0001 (§8.8: SELECT EF, `00 B2 01 04 00`), the application selected. */
export const readCardInfoFile = Effect.fn("mynumber.common.readCardInfoFile")(function* () {
  const step = "mynumber.common.read.cardInfo"
  yield* selectEf(files.cardInfo, step)
  const raw = yield* Iso7816.command(Apdu.command(0x00, 0xb2, 0x01, 0x04, undefined, 256), { step })
  return yield* Effect.fromResult(parseCardInfo(raw, step))
})

/** The card information: SELECT, SELECT EF0001, READ RECORD: three APDUs, no credential. */
export const readCardInfo = Effect.fn("mynumber.common.readCardInfo")(function* () {
  yield* select()
  return yield* readCardInfoFile()
})

/** The tries left of the common application's PIN (`001C`), consuming none. */
export const readPinStatus = Effect.fn("mynumber.common.readPinStatus")(function* () {
  yield* select()
  return [yield* PinGuard.status("common.pin")]
})
