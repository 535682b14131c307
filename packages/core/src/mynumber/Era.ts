/**
 * Japanese era dates (和暦), as printed on My Number cards of Japanese nationals and used in 照合番号B and the birth
 * date key: shared/reference/mynumber-card.md §6.3. The era is that of the day itself (1989-01-07 is 昭和64年, the next
 * day 平成元年), and 元年 is year 1. Dates before 明治 (1868-01-25, MC's cut-off) are not representable.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { isValidDate } from "../schema/CalendarDate.js"

export const Era = Schema.Literals(["meiji", "taisho", "showa", "heisei", "reiwa"])
export type Era = typeof Era.Type

export const eraNames: Record<Era, string> = {
  meiji: "明治",
  taisho: "大正",
  showa: "昭和",
  heisei: "平成",
  reiwa: "令和"
}

/** A day of the Gregorian calendar. */
export interface GregorianDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

/** A day as a Japanese era date; `year` 1 is 元年. */
export interface JapaneseDate {
  readonly era: Era
  readonly year: number
  readonly month: number
  readonly day: number
}

interface EraSpec {
  readonly era: Era
  /** First day, as a `YYYYMMDD` number. */
  readonly start: number
  /** Era year = Gregorian year − offset. */
  readonly offset: number
}

/** Oldest first. A new era is one more entry here (its first day closes the previous era). */
const eras: ReadonlyArray<EraSpec> = [
  { era: "meiji", start: 18680125, offset: 1867 },
  { era: "taisho", start: 19120730, offset: 1911 },
  { era: "showa", start: 19261225, offset: 1925 },
  { era: "heisei", start: 19890108, offset: 1988 },
  { era: "reiwa", start: 20190501, offset: 2018 }
]

/** Era year = Gregorian year − this offset. */
export const eraOffset = (era: Era): number => eras.find((e) => e.era === era)?.offset ?? Number.NaN

const key = (d: GregorianDate) => d.year * 10000 + d.month * 100 + d.day

/** The era date of a Gregorian day; `undefined` for an impossible day or a day before 明治. */
export const toJapanese = (date: GregorianDate): JapaneseDate | undefined => {
  if (!isValidDate(date.year, date.month, date.day)) return undefined
  const k = key(date)
  for (let i = eras.length - 1; i >= 0; i--) {
    const spec = eras[i]!
    if (k >= spec.start) return { era: spec.era, year: date.year - spec.offset, month: date.month, day: date.day }
  }
  return undefined
}

/**
 * The Gregorian day of an era date; `undefined` when the month or day does not exist, or the day is not within the
 * era (year 0, 平成31年5月1日, 昭和64年1月8日, 大正1年7月29日).
 */
export const fromJapanese = (date: JapaneseDate): GregorianDate | undefined => {
  const index = eras.findIndex((e) => e.era === date.era)
  if (index < 0 || !Number.isInteger(date.year) || date.year < 1) return undefined
  const spec = eras[index]!
  const gregorian = { year: date.year + spec.offset, month: date.month, day: date.day }
  if (!isValidDate(gregorian.year, gregorian.month, gregorian.day)) return undefined
  const k = key(gregorian)
  const next = eras[index + 1]
  if (k < spec.start || (next !== undefined && k >= next.start)) return undefined
  return gregorian
}

/**
 * Whether some era makes `yy`/`mm`/`dd` (two-digit era year) a real day, in a Gregorian year no later than
 * `latestYear`: the check for a bare `YYMMDD`.
 */
export const isPossibleEraYymmdd = (
  yy: number,
  mm: number,
  dd: number,
  latestYear = Number.POSITIVE_INFINITY
): boolean =>
  eras.some((e) => {
    const date = fromJapanese({ era: e.era, year: yy, month: mm, day: dd })
    return date !== undefined && date.year <= latestYear
  })
