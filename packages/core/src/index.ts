/**
 * jpcard core: the protocol layer (APDUs, BER-TLV, ISO 7816 commands), the transport seam and the card
 * applications.
 *
 * @since 0.1.0
 */
export * as Apdu from "./apdu/Apdu.js"
export * as StatusWord from "./apdu/StatusWord.js"
export * as Bytes from "./Bytes.js"
export * as Iso7816 from "./iso7816/Iso7816.js"
export * as MyNumber from "./mynumber/index.js"
export * as SecureRandom from "./random/SecureRandom.js"
export { CardNumber } from "./residence/CardNumber.js"
export * as ResidenceErrors from "./residence/Errors.js"
export * as ResidenceFiles from "./residence/Files.js"
export * as ResidenceGen1 from "./residence/Gen1.js"
export * as ResidenceCard from "./residence/ResidenceCard.js"
export * as CalendarDate from "./schema/CalendarDate.js"
export * as Tlv from "./tlv/Tlv.js"
export * as ApduTrace from "./trace/ApduTrace.js"
export * as CardTransport from "./transport/CardTransport.js"
