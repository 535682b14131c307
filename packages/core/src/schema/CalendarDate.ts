/**
 * Calendar dates as the cards store them (`YYYYMMDD`, ASCII) decoded to ISO `YYYY-MM-DD` strings: a date without a
 * time zone, as printed on the card. An impossible date (20260230) is rejected, not rolled over.
 *
 * @since 0.1.0
 */
import { Effect, Schema, SchemaGetter, SchemaIssue } from "effect"

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})$/

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31

/** Whether year, month and day name a real day of the Gregorian calendar. */
export const isValidDate = (year: number, month: number, day: number): boolean =>
  Number.isInteger(year) && year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)

/** `YYYY-MM-DD`, a real calendar date. */
export const CalendarDate = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (s: string) => {
        const m = isoPattern.exec(s)
        return m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))
      },
      { message: "expected a calendar date YYYY-MM-DD" }
    )
  ),
  Schema.brand("CalendarDate")
)
export type CalendarDate = typeof CalendarDate.Type

/** `YYYYMMDD` → `YYYY-MM-DD`. The issue message never repeats the value (dates on cards are personal data). */
export const CalendarDateFromYyyymmdd = Schema.String.pipe(
  Schema.decodeTo(CalendarDate, {
    decode: SchemaGetter.transformEffect((s: string) => {
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s)
      if (m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3])))
        return Effect.succeed(`${m[1]}-${m[2]}-${m[3]}` as CalendarDate)
      return Effect.fail(
        new SchemaIssue.InvalidValue({
          message: m === null ? "expected 8 digits YYYYMMDD" : "not a calendar date (no such day)"
        })
      )
    }),
    encode: SchemaGetter.transform((d: string) => d.replaceAll("-", ""))
  })
)
