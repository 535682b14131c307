// PC/SC failures → TransportError reasons, by operation, with messages that say what to do.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { notInstalled, PcscFailure, ScardCode, toTransportError } from "../src/Errors.js"
import * as Pcsc from "../src/Pcsc.js"

describe("PcscFailure.from", () => {
  it("reads the smartcard binding's messages, numeric codes, and names in messages", () => {
    assert.strictEqual(PcscFailure.from(new Error("Card was removed")).scard, "SCARD_W_REMOVED_CARD")
    assert.strictEqual(PcscFailure.from(new Error("Sharing violation")).scard, "SCARD_E_SHARING_VIOLATION")
    assert.strictEqual(PcscFailure.from(new Error("PC/SC service not running")).scard, "SCARD_E_NO_SERVICE")
    assert.strictEqual(PcscFailure.from(Object.assign(new Error("x"), { code: 0x8010000a })).scard, "SCARD_E_TIMEOUT")
    // pcsclite-style negative 32-bit codes
    assert.strictEqual(PcscFailure.from({ code: 0x80100069 | 0, message: "?" }).scard, "SCARD_W_REMOVED_CARD")
    assert.strictEqual(PcscFailure.from(new Error("failed: SCARD_E_NO_SMARTCARD")).scard, "SCARD_E_NO_SMARTCARD")
    const unknown = PcscFailure.from("weird")
    assert.strictEqual(unknown.scard, "UNKNOWN")
    assert.isUndefined(unknown.code)
    assert.strictEqual(PcscFailure.from(new Error("Card was removed")).code, ScardCode.SCARD_W_REMOVED_CARD)
  })
})

describe("toTransportError", () => {
  const reason = (message: string, op: Parameters<typeof toTransportError>[1]) =>
    toTransportError(new Error(message), op, "Reader X").reason

  it("a missing card is NoCard when connecting and CardRemoved mid-session", () => {
    assert.strictEqual(reason("No smart card present", "connect"), "NoCard")
    assert.strictEqual(reason("Card was removed", "connect"), "NoCard")
    assert.strictEqual(reason("Card was removed", "transmit"), "CardRemoved")
    assert.strictEqual(reason("No smart card present", "transmit"), "CardRemoved")
    assert.strictEqual(reason("Card was reset", "transmit"), "CardRemoved")
  })

  it("the service: NoReader with start instructions before a session, ReaderUnavailable during one", () => {
    const before = toTransportError(new Error("PC/SC service not running"), "establish")
    assert.strictEqual(before.reason, "NoReader")
    assert.match(before.message, /sudo systemctl start pcscd\.socket/)
    assert.match(before.message, /Windows/)
    assert.strictEqual(reason("PC/SC service stopped", "transmit"), "ReaderUnavailable")
  })

  it("readers, cards, sharing, time", () => {
    assert.strictEqual(reason("No readers available", "list"), "NoReader")
    assert.strictEqual(reason("Unknown reader", "connect"), "ReaderUnavailable")
    assert.strictEqual(reason("Reader unavailable", "transmit"), "ReaderUnavailable")
    assert.strictEqual(reason("Card is unresponsive", "connect"), "UnresponsiveCard")
    assert.strictEqual(reason("Card is not supported", "connect"), "UnresponsiveCard")
    assert.strictEqual(reason("Protocol mismatch", "connect"), "UnresponsiveCard")
    assert.strictEqual(reason("Sharing violation", "connect"), "SharingViolation")
    assert.strictEqual(reason("Operation timed out", "transmit"), "Timeout")
    assert.strictEqual(reason("Transaction failed", "transmit"), "Io")
    assert.strictEqual(reason("Communication error", "transmit"), "Io")
  })

  it("the message: the core's advice, then the PC/SC code, the reader and the operation", () => {
    const error = toTransportError(new Error("Sharing violation"), "connect", "ACS ACR1252")
    assert.strictEqual(
      error.message,
      'another program is using the reader; close it (or wait for it to finish) and retry (PC/SC SCARD_E_SHARING_VIOLATION 0x8010000B "Sharing violation" on "ACS ACR1252" during connect)'
    )
  })
})

describe("NotInstalled", () => {
  it("says what to install on each platform", () => {
    const error = notInstalled(new Error("Cannot find module 'smartcard'"))
    assert.strictEqual(error.reason, "NotInstalled")
    assert.include(error.message, "sudo apt-get install pcscd libpcsclite-dev")
    assert.include(error.message, "reinstall")
    assert.include(error.message, "macOS: PC/SC is built in")
    assert.include(error.message, "Windows: PC/SC is built in")
    assert.include(error.message, "Cannot find module 'smartcard'")
  })

  it.effect("the package imports without touching the binding; loading it yields a driver or NotInstalled", () =>
    Effect.gen(function* () {
      const result = yield* Effect.result(Pcsc.loadSmartcard)
      if (result._tag === "Success") assert.match(result.success.name, /^smartcard /)
      else assert.strictEqual(result.failure.reason, "NotInstalled")
    })
  )
})
