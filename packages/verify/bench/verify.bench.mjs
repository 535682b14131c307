// Verification throughput of @jpcard/verify next to node:crypto's own verify of the same signatures, in one run.
//
// Runs the compiled packages (dist/): build first (`node scripts/build.mjs`), then either
//   taskset -c 0 node packages/verify/bench/verify.bench.mjs      (prints JSON; what `npm run bench` does)
// or, from a bench driver:
//   const { run } = await import("./packages/verify/bench/verify.bench.mjs"); const results = await run()
// `run` returns [{ name, value, unit }].
//
// "Verifications per second on one core" (issue 7): the process is pinned to one CPU (`npm run bench` starts it under
// `taskset -c 0`; every thread, libuv's thread pool included, then shares that core), and each side is measured as a
// server uses it: K verifications in flight at once, K in {1, 16, 64}; a side's throughput is its best K (its
// saturated rate). node:crypto's verify is synchronous, so K changes nothing for it; WebCrypto runs each call as a job
// on the thread pool, whose hand-over cost is paid once per batch rather than once per call when calls overlap.
// `….sequential.per_s` is one call at a time (K = 1), latency-bound: reported for information.
//
// What each side does per verification (same inputs):
// - ours: the public API call (`Residence.verifyGen1` …) through `Effect.runPromise`: parse the card objects, verify
//   the data signature (WebCrypto, the default backend), validate the certificate or CVC up to the anchor, build the
//   report (default options: no digest of the covered bytes). Caches warm (imported keys; parsed certificates;
//   certificate and CVC signature results, which are pure functions of bytes and key), as when a business verifies
//   many cards of one issuer.
// - node_crypto: `crypto.verify` of the same data signature(s) (the covered parts joined with Buffer.concat) and, once,
//   `X509Certificate.verify` / `crypto.verify` of the certificate or CVC signature, with KeyObjects prepared once. No
//   parsing, no report.
// - `….node_provider.per_s`: ours with `backend: nodeCryptoProvider` from `@jpcard/verify/node` (what the CLI passes).
// - `….cold.per_s`: ours with every cache cleared before each verification, one at a time (for information).
import { createHash, createPrivateKey, createPublicKey, sign, verify, X509Certificate } from "node:crypto"
import { pathToFileURL } from "node:url"
import * as Fixtures from "@jpcard/sim/fixtures/data"
import { Caches, MyNumber, Residence, Trust } from "@jpcard/verify"
import { nodeCryptoProvider } from "@jpcard/verify/node"
import { Effect } from "effect"

const at = new Date("2030-01-01T00:00:00Z")
const concat = (...parts) => Uint8Array.from(Buffer.concat(parts))
// node:crypto's side joins the covered parts as a Node program would: one Buffer.concat, no further copy.
const join = (...parts) => Buffer.concat(parts)
const zeroPad = (bytes, n) => {
  const out = new Uint8Array(n)
  out.set(bytes)
  return out
}
const pkcs8 = (der) => createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" })
const tlv = (tag, value) => {
  const tagBytes = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag]
  const l = value.length
  const len = l < 0x80 ? [l] : l < 0x100 ? [0x81, l] : [0x82, l >> 8, l & 0xff]
  return concat(Uint8Array.from(tagBytes), Uint8Array.from(len), value)
}
const sha256 = (b) => new Uint8Array(createHash("sha256").update(b).digest())

// ---------------------------------------------------------------------------------------------------------------
// Material (the simulator's test PKIs)

const gen1 = () => {
  const front = zeroPad(Fixtures.residenceGen1FrontTiff, 7000)
  const face = zeroPad(Fixtures.residenceGen1FaceJp2, 3000)
  const data = concat(front, face)
  const key = pkcs8(Fixtures.residenceGen1CardKeyPkcs8Der)
  const checkCode = new Uint8Array(sign("sha256", data, key))
  const input = {
    frontImageValue: front,
    faceImageValue: face,
    checkCode,
    certificate: zeroPad(Fixtures.residenceGen1CardCertDer, 1200)
  }
  const card = new X509Certificate(Fixtures.residenceGen1CardCertDer)
  const ca = new X509Certificate(Fixtures.residenceGen1TestCaCertDer)
  const cardKey = card.publicKey
  const caKey = ca.publicKey
  // Like ours, node:crypto's side checks the certificate's signature once (its result depends only on the
  // certificate and the issuer's key) and the card's data signature on every call: the same work per verification.
  const certificateOk = card.verify(caKey)
  const node = () => verify("sha256", join(front, face), cardKey, checkCode) && certificateOk
  return { input, node, anchors: [Fixtures.residenceGen1TestCaCertDer] }
}

const gen2 = () => {
  // C5 C6 C7 C8 C9 CE CA CB CC CD values: 53 bytes.
  const entries = new TextEncoder().encode(
    ["20310101", "19900101", "1", "704", "0004      ", "0500", "01", "20240101", "1", "20310101"].join("")
  )
  const face = zeroPad(Fixtures.residenceGen2FaceJp2, 3000)
  const name = zeroPad(Fixtures.residenceGen2NameTiff, 2500)
  const key = pkcs8(Fixtures.residenceGen2CardKeyPkcs8Der)
  const signature = new Uint8Array(sign("sha256", concat(entries, face, name), { key, dsaEncoding: "ieee-p1363" }))
  const input = {
    printedEntries: entries,
    faceImageValue: face,
    nameImageValue: name,
    signature,
    certificate: Fixtures.residenceGen2CardCertDer
  }
  const card = new X509Certificate(Fixtures.residenceGen2CardCertDer)
  const ca = new X509Certificate(Fixtures.residenceGen2TestCaCertDer)
  const cardKey = { key: card.publicKey, dsaEncoding: "ieee-p1363" }
  const caKey = ca.publicKey
  const certificateOk = card.verify(caKey) // once, as ours caches it (see gen1)
  const node = () => verify("sha256", join(entries, face, name), cardKey, signature) && certificateOk
  return { input, node, anchors: [Fixtures.residenceGen2TestCaCertDer] }
}

const kenhojo = () => {
  const keyTlvs = (key) => {
    const jwk = createPublicKey(key).export({ format: "jwk" })
    return concat(tlv(0x90, Buffer.from(jwk.e, "base64url")), tlv(0x91, Buffer.from(jwk.n, "base64url")))
  }
  const ascii = (s) => new TextEncoder().encode(s)
  const id = (seven, three) => concat(ascii(seven), Uint8Array.of(8, 5), ascii(three), new Uint8Array(4))
  const caKey = pkcs8(Fixtures.myNumberCvcCaKeyPkcs8Der)
  const apKey = pkcs8(Fixtures.myNumberKenhojoApKeyPkcs8Der)
  const cardKey = pkcs8(Fixtures.myNumberKenhojoCardKeyPkcs8Der)
  const issuerId = id("9000033", "001")
  const body = concat(issuerId, id("9000033", "002"), keyTlvs(apKey))
  const cvcSignature = new Uint8Array(sign("sha256", body, caKey))
  const ef0004 = tlv(0x7f21, concat(tlv(0x5f4e, body), tlv(0x5f37, cvcSignature)))
  const ef0001 = concat(tlv(0xff10, ascii("123456789018")), Uint8Array.of(0xff, 0xff))
  const fields = concat(
    tlv(0xdf22, ascii("見本　花子")),
    tlv(0xdf23, ascii("東京都千代田区霞が関２丁目１番２号")),
    tlv(0xdf24, ascii("19850401")),
    tlv(0xdf25, ascii("2"))
  )
  const ef0002 = concat(tlv(0xff20, concat(tlv(0xdf21, new Uint8Array(8)), fields)), Uint8Array.of(0xff, 0xff))
  const df31 = tlv(0xdf31, sha256(ef0001))
  const df32 = tlv(0xdf32, sha256(fields))
  const signed3 = concat(df31, df32)
  const sig3 = new Uint8Array(sign("sha256", signed3, apKey))
  const ef0003 = tlv(0xff30, concat(df31, df32, tlv(0xdf33, sig3)))
  const df51 = tlv(0xdf51, keyTlvs(cardKey))
  const sig7 = new Uint8Array(sign("sha256", df51, apKey))
  const ef0007 = tlv(0xff50, concat(df51, tlv(0xdf52, sig7)))
  const files = { ef0001, ef0002, ef0003, ef0004, ef0007 }
  const trust = Trust.customCvcTrust([
    { modulus: Fixtures.myNumberCvcCaModulus, exponent: Fixtures.myNumberCvcCaExponent, issuerKeyId: issuerId }
  ])
  const caPublic = createPublicKey(caKey)
  const apPublic = createPublicKey(apKey)
  const digest1 = Buffer.from(sha256(ef0001))
  const digest2 = Buffer.from(sha256(fields))
  const cvcOk = verify("sha256", body, caPublic, cvcSignature) // once, as ours caches it (see gen1)
  const node = () =>
    cvcOk &&
    verify("sha256", signed3, apPublic, sig3) &&
    verify("sha256", df51, apPublic, sig7) &&
    createHash("sha256").update(ef0001).digest().equals(digest1) &&
    createHash("sha256").update(fields).digest().equals(digest2)
  return { files, trust, node }
}

/** The inputs, for profiling. */
export const material = { gen1, gen2, kenhojo }
export { nodeCryptoProvider }

// ---------------------------------------------------------------------------------------------------------------
// Measurement

/** Calls for about `ms` with `inFlight` of them overlapping; returns calls per second. */
const measure = async (fn, ms, inFlight = 1) => {
  let n = 0
  const start = performance.now()
  let now = start
  const batch = Math.max(16, inFlight)
  while (now - start < ms) {
    if (inFlight === 1) for (let i = 0; i < batch; i++) await fn()
    else {
      // A pool of `inFlight` workers, each starting its next call when its previous one ends.
      let left = batch
      const worker = async () => {
        while (left-- > 0) await fn()
      }
      await Promise.all(Array.from({ length: inFlight }, worker))
    }
    n += batch
    now = performance.now()
  }
  return (n * 1000) / (now - start)
}

const IN_FLIGHT = [1, 16, 64]

/**
 * Interleaves the sides over `rounds`; per side, the best round at each number in flight (the one least disturbed by
 * other load on the machine). Returns per side `{ sequential, saturated }`: the rate one at a time and the best rate
 * over every number in flight.
 */
const compare = async (sides, { rounds, ms }) => {
  for (let i = 0; i < 300; i++) for (const side of sides) await side()
  const best = sides.map(() => new Map(IN_FLIGHT.map((k) => [k, 0])))
  for (let r = 0; r < rounds; r++)
    for (const k of IN_FLIGHT)
      for (const [i, side] of sides.entries()) best[i].set(k, Math.max(best[i].get(k), await measure(side, ms, k)))
  return best.map((m) => ({ sequential: m.get(1), saturated: Math.max(...m.values()) }))
}

const expectVerified = async (effect, what) => {
  const report = await Effect.runPromise(effect)
  if (report.verdict !== "verified") throw new Error(`bench setup: ${what} is ${report.verdict}: ${report.summary}`)
}

export async function run(options = {}) {
  const rounds = options.rounds ?? 4
  const ms = options.roundMs ?? 250
  const results = []
  const push = (name, value, unit) => results.push({ name, value: Math.round(value * 100) / 100, unit })
  const withNode = { at, backend: nodeCryptoProvider }

  const g1 = gen1()
  const t1 = await Effect.runPromise(Trust.customResidenceTrust(g1.anchors))
  const g2 = gen2()
  const t2 = await Effect.runPromise(Trust.customResidenceTrust(g2.anchors))
  const k = kenhojo()
  const cases = [
    {
      name: "verify.residence.gen1",
      rounds,
      ours: (o) => Residence.verifyGen1(g1.input, t1, o),
      node: g1.node
    },
    {
      name: "verify.residence.gen2",
      rounds: Math.max(2, Math.ceil(rounds / 2)),
      ours: (o) => Residence.verifyGen2(g2.input, t2, o),
      node: g2.node
    },
    {
      name: "verify.mynumber.kenhojo",
      rounds,
      ours: (o) => MyNumber.verifyKenhojo(k.files, k.trust, o),
      node: k.node
    }
  ]
  const ratios = []
  const cold = []
  for (const c of cases) {
    await expectVerified(c.ours({ at }), c.name)
    await expectVerified(c.ours(withNode), `${c.name} (node provider)`)
    if (!c.node()) throw new Error(`bench setup: node:crypto ${c.name}`)
    const [ours, node, provider] = await compare(
      [() => Effect.runPromise(c.ours({ at })), c.node, () => Effect.runPromise(c.ours(withNode))],
      { rounds: c.rounds, ms }
    )
    push(`${c.name}.per_s`, ours.saturated, "verifications/s")
    push(`${c.name}.node_crypto.per_s`, node.saturated, "verifications/s")
    push(`${c.name}.node_provider.per_s`, provider.saturated, "verifications/s")
    push(`${c.name}.sequential.per_s`, ours.sequential, "verifications/s")
    push(`${c.name}.node_provider.sequential.per_s`, provider.sequential, "verifications/s")
    push(`${c.name}.node_crypto.sequential.per_s`, node.sequential, "verifications/s")
    ratios.push(
      [`${c.name}.ratio`, ours.saturated / node.saturated],
      [`${c.name}.node_provider.ratio`, provider.saturated / node.saturated],
      [`${c.name}.sequential.ratio`, ours.sequential / node.sequential],
      [`${c.name}.node_provider.sequential.ratio`, provider.sequential / node.sequential]
    )
    if (options.cold !== false)
      cold.push([
        `${c.name}.cold.per_s`,
        await measure(() => {
          Caches.clear()
          return Effect.runPromise(c.ours({ at }))
        }, ms)
      ])
  }
  for (const [name, value] of ratios) push(name, value, "x")
  for (const [name, value] of cold) push(name, value, "verifications/s")
  return results
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const results = await run()
  console.log(JSON.stringify(results, null, 2))
}
