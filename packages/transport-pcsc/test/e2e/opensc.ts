// OpenSC's command-line tools as an independent JPKI reader for the end-to-end cross-check (opensc.test.ts): where
// they are, a private configuration that forces the `jpki` card driver and keeps every cache out of the way, a
// bounded asynchronous runner, and parsers for pkcs15-tool's listings. See shared/reference/transports.md §3.
//
// The runner is asynchronous on purpose: the simulated card answers from this process's event loop, so a
// synchronous child (execFileSync) would block the very card it is talking to.
import { type ChildProcess, execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { which } from "../../src/testing/VirtualPcsc.js"

export interface Tools {
  readonly pkcs15Tool: string
  readonly openscTool: string
}

/** Where `pkcs15-tool` and `opensc-tool` are, or why the cross-check cannot run. */
export const findTools = (): { readonly ok: true; readonly tools: Tools } | { readonly ok: false; reason: string } => {
  const pkcs15Tool = which("pkcs15-tool")
  const openscTool = which("opensc-tool")
  if (pkcs15Tool === undefined || openscTool === undefined)
    return {
      ok: false,
      reason: "OpenSC's pkcs15-tool / opensc-tool are not installed (Debian/Ubuntu: sudo apt-get install opensc)"
    }
  return { ok: true, tools: { pkcs15Tool, openscTool } }
}

export interface Run {
  readonly command: string
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

export interface OpenSc {
  /** The private opensc.conf (OPENSC_CONF). */
  readonly conf: string
  /** Runs `pkcs15-tool <args>` (or `opensc-tool <args>`) with the private configuration; never rejects on exit codes. */
  readonly pkcs15Tool: (args: ReadonlyArray<string>) => Promise<Run>
  readonly openscTool: (args: ReadonlyArray<string>) => Promise<Run>
  /** Kills (by PID) any tool still running and deletes the temporary directory. Idempotent. */
  readonly cleanup: () => void
}

export interface Options {
  /**
   * Default true: `card_drivers = jpki`, so only the JPKI driver is tried and only JPKI APDUs reach the card. False
   * keeps OpenSC's whole internal driver list (each earlier driver probes the card first).
   */
  readonly forceJpki?: boolean
  /** Each tool run is killed (SIGKILL) after this long. Default 20 s. */
  readonly timeoutMs?: number
}

/**
 * A private OpenSC set-up: its own `OPENSC_CONF` (see {@link Options.forceJpki}), file caching off and the cache
 * directory inside a temporary HOME, and a minimal environment (no user configuration, no cache, C locale).
 */
export const make = (tools: Tools, options: Options = {}): OpenSc => {
  const timeoutMs = options.timeoutMs ?? 20_000
  const dir = mkdtempSync(join(tmpdir(), "jpcard-opensc-"))
  const home = join(dir, "home")
  const cache = join(home, ".cache", "opensc")
  mkdirSync(cache, { recursive: true })
  const conf = join(dir, "opensc.conf")
  writeFileSync(
    conf,
    [
      "app default {",
      "  debug = 0;",
      ...(options.forceJpki === false ? [] : ["  card_drivers = jpki;"]),
      "  framework pkcs15 {",
      "    use_file_caching = no;",
      `    file_cache_dir = "${cache}";`,
      "  }",
      "}",
      ""
    ].join("\n")
  )
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    OPENSC_CONF: conf,
    LC_ALL: "C"
  }
  const running = new Set<ChildProcess>()
  let cleaned = false

  const run = (file: string, args: ReadonlyArray<string>): Promise<Run> =>
    new Promise((resolve, reject) => {
      if (cleaned) return reject(new Error("the OpenSC set-up was cleaned up"))
      const started = performance.now()
      const child = execFile(
        file,
        [...args],
        { env, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 4 << 20, encoding: "utf8" },
        (error, stdout, stderr) => {
          running.delete(child)
          const failure = error as (NodeJS.ErrnoException & { code?: unknown; signal?: NodeJS.Signals }) | null
          resolve({
            command: [file.split("/").pop(), ...args].join(" "),
            code: failure === null ? 0 : typeof failure.code === "number" ? failure.code : null,
            signal: failure?.signal ?? null,
            stdout,
            stderr,
            ms: performance.now() - started
          })
        }
      )
      running.add(child)
    })

  return {
    conf,
    pkcs15Tool: (args) => run(tools.pkcs15Tool, args),
    openscTool: (args) => run(tools.openscTool, args),
    cleanup: () => {
      if (cleaned) return
      cleaned = true
      for (const child of running) {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(child.pid, "SIGKILL")
          } catch {
            // already gone
          }
        }
      }
      running.clear()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** One object of a pkcs15-tool listing: `X.509 Certificate [label]` or `PIN [label]`, then `Key : value` lines. */
export interface ListedObject {
  readonly kind: string
  readonly label: string
  readonly fields: Readonly<Record<string, string>>
}

/** Parses `pkcs15-tool --list-certificates` / `--list-pins` output (the long format). */
export const parseListing = (text: string): ReadonlyArray<ListedObject> => {
  const out: Array<{ kind: string; label: string; fields: Record<string, string> }> = []
  for (const line of text.split("\n")) {
    const header = /^(\S.*?) \[(.*)\]\s*$/.exec(line)
    if (header !== null) {
      out.push({ kind: header[1]!, label: header[2]!, fields: {} })
      continue
    }
    const field = /^\s+([^:]+?)\s*:\s?(.*)$/.exec(line)
    const current = out.at(-1)
    if (field !== null && current !== undefined) current.fields[field[1]!] = field[2]!.trim()
  }
  return out
}

/** The DER bytes of the single `CERTIFICATE` block in PEM text. */
export const pemToDer = (pem: string): Uint8Array => {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)]
  if (blocks.length !== 1) throw new Error(`expected one PEM certificate, found ${blocks.length} in:\n${pem}`)
  return new Uint8Array(Buffer.from(blocks[0]![1]!.replace(/\s+/g, ""), "base64"))
}
