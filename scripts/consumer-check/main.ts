// The consumer program of scripts/consumer-check.mjs. It is copied into a fresh project that installed the packed
// tarballs, compiled there with that project's tsc (NodeNext, strict, skipLibCheck false) and run with node. It uses
// only the entry points the package READMEs document, and prints one `key=value` line per fact; the script compares
// the lines with the ones it expects. Not part of the workspace build: it imports the packages as published.

import { CodeTables, ResidencePeriod, Sex, StatusOfResidence } from "@jpcard/codes"
import { CardTransport, MyNumber, ResidenceCard, ResidenceErrors } from "@jpcard/core"
import { detectResidenceCard, readResidenceCard } from "@jpcard/core/Async"
import { sha256 } from "@jpcard/core/crypto"
import { MyNumberCard, ResidenceGen1, SimTransport } from "@jpcard/sim"
import * as Fixtures from "@jpcard/sim/fixtures/data"
import { Pcsc, Async as PcscAsync, PcscTransport, Readers } from "@jpcard/transport-pcsc"
import * as Vpcd from "@jpcard/transport-pcsc/Vpcd"
import { Adapters, WebNfc } from "@jpcard/transport-webnfc"
import { Report, Residence, Trust } from "@jpcard/verify"
import { nodeCryptoProvider } from "@jpcard/verify/node"
import { Effect, Schema } from "effect"

const out = (key: string, value: unknown) => console.log(`${key}=${String(value)}`)
const cardNumber = "AB12345678CD"
const address = "東京都千代田区霞が関一丁目一番地 (consumer check)"
// The simulator's test certificates are valid on this date (as in @jpcard/verify's own tests).
const at = new Date("2030-01-01T00:00:00Z")

// 1. @jpcard/core with Effect, over @jpcard/sim's transport layer (root README, "Using the library").
const card = ResidenceGen1.make({ cardNumber, seed: "consumer", address })
const files = ["address", "faceImage", "frontImage", "signature"] as const
const read = await Effect.runPromise(
  ResidenceCard.read(cardNumber, { files }).pipe(Effect.provide(SimTransport.layer(card)))
)
if (read.generation !== 1) throw new Error(`expected a first-generation card, got ${read.generation}`)
out("effect.generation", read.generation)
out("effect.filesRead", read.filesRead.join(","))
out("effect.address", read.address?.address.text)
out("effect.faceImage", read.faceImage?.format)

// 2. The promise façade (@jpcard/core/Async) over SimTransport.make; a wrong card number rejects with the tagged
// error class of @jpcard/core (instanceof holds: one copy of the core in the tree).
const { transport } = SimTransport.make(ResidenceGen1.make({ cardNumber, seed: "async", address }))
const detection = await detectResidenceCard(transport)
out("async.detect", detection.generation)
const asyncRead = await readResidenceCard(transport, cardNumber, { files: ["address"] })
out("async.address", asyncRead.generation === 1 ? asyncRead.address?.address.text : "gen2")
const wrong = await readResidenceCard(transport, "ZZ99999999ZZ").catch((e: unknown) => e)
out("async.wrongNumber", wrong instanceof ResidenceErrors.ResidenceAuthenticationError ? wrong._tag : String(wrong))

// 3. @jpcard/verify against the simulator's test PKI (customResidenceTrust), WebCrypto and @jpcard/verify/node.
const trust = await Effect.runPromise(
  Trust.customResidenceTrust([Fixtures.residenceGen1TestCaCertDer], { label: "jpcard sim" })
)
const report = await Effect.runPromise(Residence.verifyCard(read, trust, { at }))
out("verify.webcrypto", `${report.verdict} authentic=${report.authentic}`)
out("verify.anchorProfile", report.anchor?.profile)
const viaNode = await Effect.runPromise(Residence.verifyCard(read, trust, { at, backend: nodeCryptoProvider }))
out("verify.node", `${viaNode.verdict} provider=${nodeCryptoProvider.name}`)
out("verify.json", (JSON.parse(Report.toJson(report)) as { kind: string }).kind)
// A forged check code is a verdict in the report, not an error.
const forged = await Effect.runPromise(
  ResidenceCard.read(cardNumber, { files }).pipe(
    Effect.provide(SimTransport.layer(ResidenceGen1.make({ cardNumber, checkCode: new Uint8Array(256).fill(0x5a) })))
  )
)
out("verify.forged", (await Effect.runPromise(Residence.verifyCard(forged, trust, { at }))).verdict)

// 4. @jpcard/codes.
out("codes.sex", Sex.decode("2").label?.en)
const period = Schema.decodeUnknownSync(ResidencePeriod.FromCode)("0403")
out("codes.period", ResidencePeriod.label(period).en)
out("codes.student", StatusOfResidence.allowsPeriod(StatusOfResidence.byKey("student")!, period))
const nationality = Effect.runSync(
  Effect.gen(function* () {
    const tables = yield* CodeTables.CodeTables
    return tables.nationality("PAK")
  }).pipe(Effect.provide(CodeTables.layer))
)
out("codes.nationality", `${nationality.label?.en} inferred=${nationality.source?.inferred}`)

// 5. My Number card through the core, from promise code (core README, "From promise code").
const myNumber = SimTransport.make(MyNumberCard.make())
const run = <A, E>(effect: Effect.Effect<A, E, CardTransport.CardTransport>) =>
  Effect.runPromise(effect.pipe(Effect.provide(CardTransport.layer(myNumber.transport))))
const status = await run(MyNumber.MyNumberCard.readPinStatus(["kenhojo.pin"]))
out(
  "mynumber.pinStatus",
  status.map((s) => `${s.credential}:${s.state}:${"triesLeft" in s ? s.triesLeft : "-"}`).join(",")
)
out("core.sha256", sha256(new TextEncoder().encode("abc")).length)

// 6. @jpcard/transport-webnfc: Web NFC says it cannot, the adapters carry the core's reads.
const support = WebNfc.support()
out("webnfc.support", `ndef=${support.ndef} isoDep=${support.isoDep}`)
const webNfcError = await Effect.runPromise(Effect.flip(WebNfc.transport()))
out("webnfc.transport", `${webNfcError._tag}:${webNfcError.reason}`)
const adapterCard = ResidenceGen1.make({ seed: "adapter" })
const adapted = Adapters.fromTransceive(async (apdu) => adapterCard.transmit(apdu), CardTransport.shortOnly)
const adaptedDetection = await detectResidenceCard(adapted)
out("webnfc.adapter", adaptedDetection.generation)

// 7. @jpcard/transport-pcsc without the optional `smartcard` binding: typed NotInstalled errors, never a crash.
const pcscError = await Effect.runPromise(Effect.flip(Readers.list.pipe(Effect.provide(Pcsc.layer))))
out("pcsc.effect", `${pcscError._tag}:${pcscError.reason}:${pcscError instanceof CardTransport.TransportError}`)
const sessionError = await Effect.runPromise(
  Effect.flip(ResidenceCard.detect().pipe(Effect.provide(PcscTransport.layer({ reader: "any" }))))
)
out("pcsc.session", `${sessionError._tag}:${"reason" in sessionError ? sessionError.reason : "?"}`)
const asyncError = await PcscAsync.listReaders().catch((e: unknown) => e)
out(
  "pcsc.async",
  asyncError instanceof CardTransport.TransportError ? `${asyncError._tag}:${asyncError.reason}` : String(asyncError)
)
out("pcsc.vpcd", `${typeof Vpcd.connect} ${Vpcd.isLoopback("127.0.0.1")}`)
out("done", "ok")
