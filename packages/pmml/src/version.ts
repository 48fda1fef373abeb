import type { XmlElement } from "./xml.ts";

/**
 * PMML versions whose schema Porta reads. A DMG patch release (4.4.1, and any later 4.4.x) keeps
 * its minor version's schema and namespace (`http://www.dmg.org/PMML-4_4`), so a version is
 * known by its major.minor alone.
 */
export const KNOWN_PMML_VERSIONS: readonly string[] = ["3.0", "3.1", "3.2", "4.0", "4.1", "4.2", "4.3", "4.4"];

/** The version Porta reads a document of an unknown version as: the newest it knows. */
export const NEWEST_PMML_VERSION = "4.4";

export interface PmmlVersion {
  /** The `version` attribute as written (trimmed), or "" when absent. */
  version: string;
  /** The major.minor it is read as. */
  readAs: string;
  /** One-line notices for `porta inspect` / `--verbose` when the document is read on trust. */
  notices: string[];
}

/**
 * Reads the root's version and namespace. Neither refuses a document: producers write versions
 * and namespaces loosely (3.2 documents in the 3_1 namespace, 4.4.1 in 4_4, no namespace at all),
 * and whether Porta can score a document is decided by the elements it holds, not by this label.
 * An unknown version or a non-DMG namespace is read as the newest known version, with a notice.
 */
export function readPmmlVersion(root: XmlElement, text: string | Uint8Array): PmmlVersion {
  const version = (root.attr("version") ?? "").trim();
  const notices: string[] = [];
  const minor = /^(\d+)\.(\d+)(?:\.\d+)*$/.exec(version);
  const majorMinor = minor ? `${Number(minor[1])}.${Number(minor[2])}` : undefined;
  let readAs = majorMinor !== undefined && KNOWN_PMML_VERSIONS.includes(majorMinor) ? majorMinor : undefined;
  if (readAs === undefined) {
    readAs = NEWEST_PMML_VERSION;
    const label = version === "" ? "no PMML version" : `PMML version "${version}"`;
    notices.push(`${label} is not one Porta knows (${KNOWN_PMML_VERSIONS[0]}–${NEWEST_PMML_VERSION}.x); read as PMML ${NEWEST_PMML_VERSION}`);
  }
  const namespace = rootNamespace(text);
  if (namespace !== undefined && namespace !== "" && !/^https?:\/\/www\.dmg\.org\/PMML-\d+_\d+\/?$/i.test(namespace.trim())) {
    notices.push(`namespace "${namespace}" is not a DMG PMML namespace; its elements are read as PMML ${readAs}`);
  }
  return { version, readAs, notices };
}

/**
 * The default (or PMML-prefixed) namespace declared on the root start tag. The XML view drops
 * namespace attributes, so it is read from the text: the first `<PMML` or `<prefix:PMML` tag.
 */
function rootNamespace(document: string | Uint8Array): string | undefined {
  // The first 64K code units of the text: of bytes, enough of them (at most 3 a unit) decoded.
  const head =
    typeof document === "string"
      ? document.slice(0, 64 * 1024)
      : Buffer.from(document.buffer, document.byteOffset, Math.min(document.byteLength, 4 * 64 * 1024))
          .toString("utf8")
          .slice(0, 64 * 1024);
  const tag = /<(?:([A-Za-z_][\w.-]*):)?PMML\b([^>]*)>/.exec(head);
  if (!tag) return undefined;
  const name = tag[1] === undefined ? "xmlns" : `xmlns:${tag[1]}`;
  const decl = new RegExp(`(?:^|\\s)${name.replace(".", "\\.")}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag[2]);
  return decl ? (decl[2] ?? decl[3]) : undefined;
}
