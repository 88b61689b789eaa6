/* SafeCity ledger: verify a log entry in the browser (WebCrypto SHA-256 and Ed25519).
 *
 * window.SafeCityLedger:
 *   verifyInclusion({leafB64, index, treeSize, proofB64, rootB64}) -> Promise<boolean>
 *       RFC 9162 §2.1.3.2 over the leaf's data (the leaf hash is recomputed, never trusted).
 *   verifyCheckpoint(noteText, vkey) -> Promise<{ok, origin, treeSize, rootB64}>
 *       C2SP signed note + tlog-checkpoint, Ed25519 signature by the log's verifier key.
 *   verifyEntry(index, rootEl) -> Promise<boolean>
 *       fetches the entry, the latest checkpoint, the keys and the proof from the public API,
 *       checks everything and renders ✔ / ✘ with the details into rootEl; once verified, also a
 *       <details> "signed record" with the verified statement (kind, subject, signed_at, body):
 *       exactly what the organisation signed, read from the verified leaf, not from the page.
 */
(function () {
  "use strict";
  // The include may appear once per entry on a page: load the library once.
  if (window.SafeCityLedger) return;
  const enc = new TextEncoder();

  function b64decode(s) {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function b64encode(u8) {
    let s = "";
    for (let i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i]);
    return btoa(s);
  }
  function hex(u8) {
    return Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function concat(...parts) {
    const n = parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    let d = 0;
    for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
    return d === 0;
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  const leafHash = (leaf) => sha256(concat(Uint8Array.of(0), leaf));
  const nodeHash = (l, r) => sha256(concat(Uint8Array.of(1), l, r));

  // RFC 9162 §2.1.3.2, with arithmetic instead of 32-bit bit operators (indexes beyond 2^31).
  async function rootFromInclusion(index, size, leaf, proof) {
    if (!(index >= 0 && index < size)) return null;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn !== 0 && fn % 2 === 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  async function verifyInclusion({ leafB64, index, treeSize, proofB64, rootB64 }) {
    try {
      const leaf = await leafHash(b64decode(leafB64));
      const root = await rootFromInclusion(Number(index), Number(treeSize), leaf, proofB64.map(b64decode));
      return root !== null && equal(root, b64decode(rootB64));
    } catch (e) {
      return false;
    }
  }

  function parseVkey(vkey) {
    const a = vkey.indexOf("+"), b = vkey.indexOf("+", a + 1);
    if (a < 0 || b < 0) throw new Error("bad verifier key");
    const parts = [vkey.slice(0, a), vkey.slice(a + 1, b), vkey.slice(b + 1)];
    const raw = b64decode(parts[2]);
    return { name: parts[0], hash: parts[1], alg: raw[0], pub: raw.slice(1) };
  }

  async function keyHash(name, alg, pub) {
    return (await sha256(concat(enc.encode(name + "\n"), Uint8Array.of(alg), pub))).slice(0, 4);
  }

  async function ed25519Verify(pub, sig, msg) {
    const key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
    return crypto.subtle.verify({ name: "Ed25519" }, key, sig, msg);
  }

  async function verifyCheckpoint(noteText, vkey) {
    const fail = { ok: false, origin: "", treeSize: 0, rootB64: "" };
    try {
      const cut = noteText.lastIndexOf("\n\n");
      if (cut < 0) return fail;
      const text = noteText.slice(0, cut + 1);
      const lines = text.slice(0, -1).split("\n");
      const v = parseVkey(vkey);
      if (v.alg !== 1 || hex(await keyHash(v.name, 1, v.pub)) !== v.hash) return fail;
      let ok = false;
      for (const line of noteText.slice(cut + 2).split("\n")) {
        if (!line.startsWith("\u2014 ")) continue;
        const [name, blob64] = line.slice(2).split(" ");
        const blob = b64decode(blob64);
        if (name !== v.name || hex(blob.slice(0, 4)) !== v.hash) continue;
        if (await ed25519Verify(v.pub, blob.slice(4), enc.encode(text))) ok = true;
      }
      if (!ok || lines.length < 3 || lines[0] !== v.name || !/^(0|[1-9][0-9]*)$/.test(lines[1])) return fail;
      return { ok: true, origin: lines[0], treeSize: Number(lines[1]), rootB64: lines[2] };
    } catch (e) {
      return fail;
    }
  }

  // The organisation's signature covers the leaf without its "signature" member (canonical JSON:
  // sorted keys, so the member sits between "organisation_id" and "signed_at").
  async function verifyStatement(leafB64, publicKeyB64) {
    const leafText = new TextDecoder().decode(b64decode(leafB64));
    const statement = JSON.parse(leafText);
    const member = ',"signature":' + JSON.stringify(statement.signature);
    const at = leafText.lastIndexOf(member + ',"signed_at":');
    if (at < 0) return false;
    const signed = leafText.slice(0, at) + leafText.slice(at + member.length);
    return ed25519Verify(b64decode(publicKeyB64), b64decode(statement.signature), enc.encode(signed));
  }

  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" });
    if (!r.ok) throw new Error(url + ": HTTP " + r.status);
    return r.json();
  }
  // The latest checkpoint and the keys are the same for every entry of a page: fetched once.
  const shared = new Map();
  function getShared(url) {
    if (!shared.has(url)) shared.set(url, getJSON(url));
    return shared.get(url);
  }

  // What was verified: the statement inside the verified leaf (never the page's own rendering).
  function renderRecord(rootEl, label, leafB64) {
    const statement = JSON.parse(new TextDecoder().decode(b64decode(leafB64)));
    const record = { kind: statement.kind, subject: statement.subject, signed_at: statement.signed_at, body: statement.body };
    const details = document.createElement("details");
    details.className = "ledger-record";
    const summary = document.createElement("summary");
    summary.textContent = label;
    const pre = document.createElement("pre");
    pre.className = "ledger-leaf";
    pre.textContent = JSON.stringify(record, null, 2);
    details.append(summary, pre);
    rootEl.appendChild(details);
  }

  function render(rootEl, ok, title, rows) {
    rootEl.textContent = "";
    const head = document.createElement("p");
    head.className = "ledger-verdict " + (ok ? "ok" : "bad");
    head.dataset.verified = ok ? "true" : "false";
    head.textContent = (ok ? "\u2714 " : "\u2718 ") + title;
    rootEl.appendChild(head);
    const dl = document.createElement("dl");
    for (const [k, v] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      dl.append(dt, dd);
    }
    rootEl.appendChild(dl);
  }

  async function verifyEntry(index, rootEl) {
    const t = rootEl.dataset;
    const api = t.api || "/api/ledger/";
    const rows = [];
    try {
      const [entry, cp, keys] = await Promise.all([
        getJSON(api + "entries/" + index + "/"),
        getShared(api + "checkpoints/latest/"),
        getShared(api + "keys/"),
      ]);
      const checkpoint = await verifyCheckpoint(cp.note, keys.log.vkey);
      rows.push([t.lCheckpoint || "Checkpoint", checkpoint.ok ? checkpoint.origin + " / " + checkpoint.treeSize : "\u2718"]);
      if (!checkpoint.ok) return render(rootEl, false, t.bad || "Not verified", rows), false;
      if (Number(index) >= checkpoint.treeSize) {
        render(rootEl, false, t.pending || "Not yet covered by a checkpoint", rows);
        return false;
      }
      const proof = await getJSON(api + "proofs/inclusion/?index=" + index + "&tree_size=" + checkpoint.treeSize);
      const included = await verifyInclusion({
        leafB64: entry.leaf_b64,
        index: Number(index),
        treeSize: checkpoint.treeSize,
        proofB64: proof.hashes_b64,
        rootB64: checkpoint.rootB64,
      });
      rows.push([t.lRoot || "Root hash", checkpoint.rootB64]);
      rows.push([t.lLeaf || "Leaf hash", b64encode(await leafHash(b64decode(entry.leaf_b64)))]);
      rows.push([t.lInclusion || "Inclusion proof", included ? "\u2714 (" + proof.hashes_b64.length + ")" : "\u2718"]);
      const key = keys.organisations.find((k) => k.key_id === entry.key_id && k.organisation_id === entry.organisation_id);
      const signed = key ? await verifyStatement(entry.leaf_b64, key.public_key_b64) : false;
      rows.push([t.lSignature || "Signature", (signed ? "\u2714 " : "\u2718 ") + entry.organisation + " " + entry.key_id]);
      const ok = included && signed;
      render(rootEl, ok, ok ? t.ok || "Verified" : t.bad || "Not verified", rows);
      if (ok) renderRecord(rootEl, t.lRecord || "Signed record", entry.leaf_b64);
      return ok;
    } catch (e) {
      rows.push(["", String(e.message || e)]);
      render(rootEl, false, t.bad || "Not verified", rows);
      return false;
    }
  }

  window.SafeCityLedger = { verifyInclusion, verifyCheckpoint, verifyEntry, verifyStatement };

  function verifyAll() {
    document.querySelectorAll("[data-ledger-verify]:not([data-ledger-started])").forEach((el) => {
      el.dataset.ledgerStarted = "1";
      verifyEntry(el.dataset.ledgerVerify, el);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", verifyAll);
  else verifyAll();
})();
