/**
 * Status words and the typed error a non-success status becomes. Meanings from ISO/IEC 7816-4 §5.6 and the
 * residence card spec's table (在留カード等仕様書 Ver 1.5, §4.1.8 表4-5, p. 20).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { swHex } from "./Apdu.js"

export const StatusReason = Schema.Literals([
  "EndOfFile",
  "FileBlocked",
  "VerificationFailed",
  "ExecutionError",
  "MemoryFailure",
  "WrongLength",
  "LogicalChannelNotSupported",
  "SecureMessagingNotSupported",
  "IncompatibleFileStructure",
  "SecurityStatusNotSatisfied",
  "AuthenticationMethodBlocked",
  "ReferenceDataBlocked",
  "ConditionsOfUseNotSatisfied",
  "CommandNotAllowed",
  "SecureMessagingDataMissing",
  "SecureMessagingDataIncorrect",
  "ApplicationNotSelected",
  "IncorrectData",
  "FunctionNotSupported",
  "FileNotFound",
  "NotEnoughMemory",
  "LcInconsistentWithTlv",
  "IncorrectP1P2",
  "LcInconsistentWithP1P2",
  "ReferencedDataNotFound",
  "OffsetOutOfRange",
  "WrongLe",
  "InstructionNotSupported",
  "ClassNotSupported",
  "CardFault",
  "Unknown"
])
export type StatusReason = typeof StatusReason.Type

// biome-ignore-start lint/complexity/useSimpleNumberKeys: status words are read and searched for in hex
const table: Record<number, readonly [StatusReason, string]> = {
  0x6282: ["EndOfFile", "end of file reached before the bytes asked for"],
  0x6283: ["FileBlocked", "selected file blocked"],
  0x6300: ["VerificationFailed", "verification failed"],
  0x6400: ["ExecutionError", "file control information abnormal"],
  0x6581: ["MemoryFailure", "memory write failed"],
  0x6700: ["WrongLength", "wrong length"],
  0x6881: ["LogicalChannelNotSupported", "logical channel not supported"],
  0x6882: ["SecureMessagingNotSupported", "secure messaging not supported"],
  0x6981: ["IncompatibleFileStructure", "command incompatible with file structure"],
  0x6982: ["SecurityStatusNotSatisfied", "security status not satisfied"],
  0x6983: ["AuthenticationMethodBlocked", "authentication method blocked"],
  0x6984: ["ReferenceDataBlocked", "reference data blocked"],
  0x6985: ["ConditionsOfUseNotSatisfied", "conditions of use not satisfied"],
  0x6986: ["CommandNotAllowed", "command not allowed (no current EF)"],
  0x6987: ["SecureMessagingDataMissing", "secure messaging data objects missing"],
  0x6988: ["SecureMessagingDataIncorrect", "secure messaging data objects incorrect"],
  0x6999: ["ApplicationNotSelected", "application not selected"],
  0x6a80: ["IncorrectData", "incorrect data field"],
  0x6a81: ["FunctionNotSupported", "function not supported"],
  0x6a82: ["FileNotFound", "file or application not found"],
  0x6a84: ["NotEnoughMemory", "not enough memory in file"],
  0x6a85: ["LcInconsistentWithTlv", "Lc inconsistent with TLV structure"],
  0x6a86: ["IncorrectP1P2", "incorrect P1-P2"],
  0x6a87: ["LcInconsistentWithP1P2", "Lc inconsistent with P1-P2"],
  0x6a88: ["ReferencedDataNotFound", "referenced data not found"],
  0x6b00: ["OffsetOutOfRange", "offset outside the file"],
  0x6d00: ["InstructionNotSupported", "instruction not supported"],
  0x6e00: ["ClassNotSupported", "class not supported"],
  0x6f00: ["CardFault", "no precise diagnosis (card self-test error)"]
}
// biome-ignore-end lint/complexity/useSimpleNumberKeys: status words are read and searched for in hex

/** The reason and an English description of a status word. */
export const describe = (sw: number): { readonly reason: StatusReason; readonly meaning: string } => {
  const known = table[sw]
  if (known !== undefined) return { reason: known[0], meaning: known[1] }
  if ((sw & 0xfff0) === 0x63c0)
    return { reason: "VerificationFailed", meaning: `verification failed, ${sw & 0x0f} tries left` }
  // 6C00: SW2 00 stands for 256, as a short Le of 00 does (ISO/IEC 7816-4 §5.1.3).
  if (sw >> 8 === 0x6c) return { reason: "WrongLe", meaning: `wrong Le, ${sw & 0xff || 256} bytes available` }
  return { reason: "Unknown", meaning: "unknown status" }
}

/** Tries left carried by `63 Cx`, if any. */
export const retriesLeft = (sw: number): number | undefined => ((sw & 0xfff0) === 0x63c0 ? sw & 0x0f : undefined)

/** A command that the card answered with a status other than success. */
export class CardStatusError extends Schema.TaggedError<CardStatusError>()("CardStatusError", {
  /** The named pipeline step, e.g. `residence.readFrontImage`. */
  step: Schema.String,
  sw: Schema.Number,
  reason: StatusReason
}) {
  static fromSw(step: string, sw: number): CardStatusError {
    return new CardStatusError({ step, sw, reason: describe(sw).reason })
  }
  override get message(): string {
    return `${this.step}: the card answered ${swHex(this.sw)} (${describe(this.sw).meaning})`
  }
}
