// jpcard readers, read residence (both generations) and verify, over the in-memory PC/SC driver with simulated cards.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ResidenceGen1, ResidenceGen2 } from "@jpcard/sim"
import { Saved } from "@jpcard/verify"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { driverWith, READER, run } from "./helpers.js"

const dir = mkdtempSync(join(tmpdir(), "jpcard-cli-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const NUMBER = "AB12345678CD"
const env = { JPCARD_CARD_NUMBER: NUMBER }

describe("jpcard readers", () => {
  it("lists the readers and the cards in them, as text and as JSON", async () => {
    const driver = driverWith(ResidenceGen1.make({ seed: 1 }))
    driver.addReader("Test Reader 1")
    const text = await run(["readers"], { driver })
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(`${READER}: card present, ATR 3B88`)
    expect(text.stdout).toContain("Test Reader 1: no card")
    const json = await run(["readers", "--json"], { driver })
    const list = JSON.parse(json.stdout) as Array<{ name: string; cardPresent: boolean; atr: string | null }>
    expect(list.map((r) => [r.name, r.cardPresent])).toEqual([
      [READER, true],
      ["Test Reader 1", false]
    ])
  })

  it("PC/SC not running is a reader error (exit code 4)", async () => {
    const driver = driverWith()
    driver.serviceRunning = false
    const result = await run(["readers"], { driver })
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/^jpcard: .*pcscd/m)
  })
})

describe("jpcard read residence", () => {
  it("generation 1: prints JSON, writes the images (native and PNG) and read.json", async () => {
    const out = join(dir, "gen1")
    const driver = driverWith(ResidenceGen1.make({ seed: 1 }))
    const result = await run(["read", "residence", "--json", "--out", out], { driver, env })
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as {
      reader: string
      card: { generation: number; address: { address: { text: string } }; frontImage: { png: string } }
      saved: string
    }
    expect(json.reader).toBe(READER)
    expect(json.card.generation).toBe(1)
    expect(json.card.address.address.text).toMatch(/東京都/)
    expect(readdirSync(out).sort()).toEqual([
      "faceImage.jp2",
      "faceImage.png",
      "frontImage.png",
      "frontImage.tif",
      "read.json"
    ])
    expect(json.saved).toBe(join(out, "read.json"))
    expect(statSync(join(out, "read.json")).mode & 0o777).toBe(0o600)
    const saved = await Effect.runPromise(Saved.decode(readFileSync(join(out, "read.json"), "utf8")))
    expect(saved.kind).toBe("residence-gen1")
    // Progress on stderr, never the card number anywhere.
    expect(result.stderr).toContain("7/7 signature")
    expect(result.stdout + result.stderr + readFileSync(join(out, "read.json"), "utf8")).not.toContain(NUMBER)
    expect(driver.openHandles()).toBe(0)
  })

  it("a read saved again over files someone else could read leaves them readable by the owner only", async () => {
    const out = join(dir, "again")
    mkdirSync(out, { recursive: true })
    for (const name of ["read.json", "faceImage.jp2", "frontImage.png"]) {
      writeFileSync(join(out, name), "old")
      chmodSync(join(out, name), 0o644)
    }
    const driver = driverWith(ResidenceGen1.make({ seed: 1 }))
    const result = await run(["read", "residence", "--out", out], { driver, env })
    expect(result.code, result.stderr).toBe(0)
    for (const name of readdirSync(out)) expect(statSync(join(out, name)).mode & 0o777, name).toBe(0o600)
    expect(readFileSync(join(out, "read.json"), "utf8")).not.toBe("old")
  })

  it("generation 2: prints JSON, writes the images and read.json, and verifies with --trust-test-ca", async () => {
    const out = join(dir, "gen2")
    const driver = driverWith(ResidenceGen2.make({ seed: 2, comprehensivePermission: "1" }))
    const result = await run(["read", "residence", "--json", "--out", out, "--trust-test-ca"], { driver, env })
    expect(result.code, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout) as {
      card: { generation: number; cardType: string }
      verification: { verdict: string; anchor: { profile: string } }
    }
    expect(json.card).toMatchObject({ generation: 2, cardType: "05" })
    expect(json.verification.verdict).toBe("verified")
    expect(json.verification.anchor.profile).toBe("custom")
    expect(readdirSync(out).sort()).toEqual([
      "addressImage.png",
      "addressImage.tif",
      "faceImage.jp2",
      "faceImage.png",
      "nameImage.png",
      "nameImage.tif",
      "read.json"
    ])
  })

  it("prints text by default, bytes as lengths, and warns when the anchor is the simulators' test CA", async () => {
    const driver = driverWith(ResidenceGen1.make({ seed: 3 }))
    const result = await run(["read", "residence", "--verify", "--trust-test-ca"], { driver, env })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`residence card (reader "${READER}")`)
    expect(result.stdout).toMatch(/checkCode: <256 bytes>/)
    expect(result.stdout).toContain("verification: residence card (gen 1): verified")
    expect(result.stdout).toContain("warning: this chain ends at a custom anchor")
  })

  it("takes the card number from the variable --card-number-env names", async () => {
    const driver = driverWith(ResidenceGen1.make({ seed: 4, cardNumber: "XY98765432ZW" }))
    const result = await run(["read", "residence", "--card-number-env", "MY_CARD"], {
      driver,
      env: { MY_CARD: "xy98765432zw" }
    })
    expect(result.code, result.stderr).toBe(0)
  })

  it("refuses a card number given as an argument or a flag (exit code 2), without repeating it", async () => {
    for (const args of [
      ["read", "residence", NUMBER],
      ["read", "residence", "--card-number", NUMBER]
    ]) {
      const driver = driverWith(ResidenceGen1.make({ seed: 5 }))
      const result = await run(args, { driver, env })
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(
        "refusing a card number on the command line: shell history and `ps` would keep it"
      )
      expect(result.stderr).toContain("JPCARD_CARD_NUMBER")
      expect(result.stderr + result.stdout).not.toContain(NUMBER)
      expect(driver.log.filter((l) => l.startsWith("transmit"))).toEqual([])
    }
  })

  it("refuses a card number given where --card-number-env takes a variable's name, without repeating it", async () => {
    for (const args of [
      ["read", "residence", "--card-number-env", NUMBER],
      ["read", "residence", "--card-number-env", NUMBER, "--card-number", "x"]
    ]) {
      const driver = driverWith(ResidenceGen1.make({ seed: 5 }))
      const result = await run(args, { driver })
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("refusing a card number on the command line")
      expect(result.stderr).toContain("--card-number-env takes the name of the environment variable")
      expect(result.stderr + result.stdout).not.toContain(NUMBER)
      expect(driver.transmitted()).toBe(0)
    }
  })

  it("without the variable and without a terminal: a usage error naming the variable (exit code 2)", async () => {
    const result = await run(["read", "residence"], { driver: driverWith(ResidenceGen1.make()) })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("set JPCARD_CARD_NUMBER in the environment")
  })

  it("a mistyped number is a usage error before any APDU (exit code 2)", async () => {
    const driver = driverWith(ResidenceGen1.make())
    const result = await run(["read", "residence"], { driver, env: { JPCARD_CARD_NUMBER: "AB1234" } })
    expect(result.code).toBe(2)
    expect(driver.transmitted()).toBe(0)
  })

  it("a wrong card number is a card error (exit code 3) whose message does not carry the number", async () => {
    const driver = driverWith(ResidenceGen1.make({ seed: 6 }))
    const wrong = "ZZ00000000ZZ"
    const result = await run(["read", "residence"], { driver, env: { JPCARD_CARD_NUMBER: wrong } })
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/^jpcard: .*rejected the card number/m)
    expect(result.stderr + result.stdout).not.toContain(wrong)
    // The card was reset after the failure and the handle released.
    expect(driver.log).toContain(`disconnect ${READER} reset`)
    expect(driver.openHandles()).toBe(0)
  })

  it("no reader is a reader error (exit code 4); so is an empty reader", async () => {
    const none = TestDriverWithoutReaders()
    const noReader = await run(["read", "residence"], { driver: none, env })
    expect(noReader.code).toBe(4)
    expect(noReader.stderr).toMatch(/^jpcard: no card reader was found/m)
    const empty = await run(["read", "residence"], { driver: driverWith(), env })
    expect(empty.code).toBe(4)
    expect(empty.stderr).toMatch(/^jpcard: no card is on the reader/m)
  })

  it("--reader chooses among readers by part of the name", async () => {
    const driver = driverWith(ResidenceGen1.make({ seed: 7 }), "ACME Contactless 0")
    driver.addReader("Other Reader")
    driver.insert("Other Reader", ResidenceGen2.make({ seed: 8 }))
    const result = await run(["read", "residence", "--reader", "acme", "--json"], { driver, env })
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).card.generation).toBe(1)
    const missing = await run(["read", "residence", "--reader", "nope"], { driver, env })
    expect(missing.code).toBe(4)
  })
})

describe("jpcard verify", () => {
  const out = join(dir, "verify")
  const file = join(out, "read.json")

  it("a saved read verifies with --trust-test-ca (exit code 0), text and JSON", async () => {
    const saved = await run(["read", "residence", "--out", out], { driver: driverWith(ResidenceGen1.make()), env })
    expect(saved.code, saved.stderr).toBe(0)
    expect(existsSync(file)).toBe(true)
    const text = await run(["verify", file, "--trust-test-ca"])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`${file}: residence card (gen 1): verified`)
    const json = await run(["verify", out, "--trust-test-ca", "--json"])
    expect(json.code).toBe(0)
    expect((JSON.parse(json.stdout) as Array<{ verdict: string }>).map((r) => r.verdict)).toEqual(["verified"])
  })

  it("a tampered read does not verify (exit code 5)", async () => {
    const read = JSON.parse(readFileSync(file, "utf8")) as { files: { faceImage: string } }
    const face = Buffer.from(read.files.faceImage, "base64")
    face[100] = (face[100] ?? 0) ^ 0x01
    read.files.faceImage = face.toString("base64")
    const tampered = join(dir, "tampered.json")
    writeFileSync(tampered, JSON.stringify(read))
    const result = await run(["verify", tampered, "--trust-test-ca"])
    expect(result.code).toBe(5)
    expect(result.stdout).toContain("signature-invalid")
    expect(result.stderr).toMatch(/^jpcard: not verified \(signature-invalid\)/m)
  })

  it("without trust anchors a residence read is not verified (exit code 5), with a hint", async () => {
    const result = await run(["verify", file])
    expect(result.code).toBe(5)
    expect(result.stderr).toContain("pass --trust DIR")
  })

  it("a trust folder with a file that is not the agency's is refused (exit code 2)", async () => {
    const trust = join(dir, "trust")
    rmSync(trust, { recursive: true, force: true })
    mkdirSync(trust)
    writeFileSync(join(trust, "fake.crt"), Buffer.from("not a certificate"))
    const result = await run(["verify", file, "--trust", trust])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^jpcard: trust anchor .*fake\.crt/m)
  })

  it("a file that is not a saved read, or is missing, is a usage error (exit code 2)", async () => {
    const junk = join(dir, "junk.json")
    writeFileSync(junk, "{}")
    expect((await run(["verify", junk])).code).toBe(2)
    expect((await run(["verify", join(dir, "missing.json")])).code).toBe(2)
  })
})

const TestDriverWithoutReaders = () => {
  const driver = driverWith()
  driver.removeReader(READER)
  return driver
}
