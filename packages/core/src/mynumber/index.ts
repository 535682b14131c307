/**
 * The My Number card (マイナンバーカード) readers: JPKI, 券面事項入力補助AP (kenhojo), 券面事項確認AP (kenkaku), the
 * common application, the PIN guard that fronts every VERIFY, and the validated secrets.
 *
 * @since 0.1.0
 */
export * as Applications from "./Applications.js"
export * as CardPresence from "./CardPresence.js"
export * as Common from "./common/Common.js"
export * as Era from "./Era.js"
export * from "./Errors.js"
export * as Jpki from "./jpki/Jpki.js"
export * as Kenhojo from "./kenhojo/Kenhojo.js"
export * as Kenkaku from "./kenkaku/Kenkaku.js"
export * as MyNumberCard from "./MyNumberCard.js"
export {
  type AnySecret,
  type BirthDate,
  type BirthDateCalendar,
  BirthDateKey,
  isMyNumber,
  MyNumber,
  myNumberCheckDigit,
  Pin4,
  SigningPassword,
  VerificationNumberA,
  VerificationNumberB,
  type VerificationNumberBParts
} from "./Pin.js"
export * as PinGuard from "./PinGuard.js"
export type { CardVerifiableCertificate, Sex, SexCode } from "./Records.js"
