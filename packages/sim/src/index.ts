/**
 * Simulated Japanese ID cards for tests: residence cards of both generations, the My Number card, and an in-memory
 * transport.
 * All persons, card numbers, images, keys and certificate authorities are fictitious test material.
 *
 * @since 0.1.0
 */
export * as CommandApdu from "./iso7816/CommandApdu.js"
export * as StatusWord from "./iso7816/StatusWord.js"
export * as MyNumberCard from "./mynumber/MyNumberCard.js"
export * as ResidenceGen1 from "./residence/Gen1Card.js"
export * as ResidenceGen2 from "./residence/Gen2Card.js"
export * as SimTransport from "./SimTransport.js"
export * as SimulatedCard from "./SimulatedCard.js"
export * as Vpcd from "./vpcd/Vpcd.js"
