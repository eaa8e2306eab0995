// spotcheck — the draw pages' JavaScript (spec/draw-v1.md §4 and §5):
//
//   * the commitment of an official, computed in the browser with
//     WebCrypto so that the secret never leaves the device before the
//     reveal: hex(SHA-256("spotcheck-commit/1\n" + plan_hash + "\n" +
//     participant + "\n" + secret)), UTF-8. Only on HTTPS or localhost,
//     where browsers offer crypto.subtle; elsewhere the page says so and
//     the official uses `spotcheck draw commit` instead (a page served
//     over plain HTTP could have been altered on the way, so it is not
//     trusted with a secret);
//   * the check of a reveal against the commitment before it is posted;
//   * the public ticket check: any entity's consistent-sampler ticket
//     from the published seed,
//         sh     = hex(SHA-256(seed_hex + ":select"))
//         x      = SHA-256(sh + entity_id), a 256-bit big-endian integer
//         digits = decimal(x), left-padded with zeros to 64 characters
//         ticket = "0." + reverse(digits)
//     with WebCrypto where there is one and the small SHA-256 below where
//     there is not, so that the check works on plain HTTP too;
//   * the task form's stratum rows, shown for the chosen stratification.
//
// No inline script (the content security policy forbids it): behaviour
// hangs on data- attributes. The functions are also exported for tests
// under Node.
(function () {
  "use strict";

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  // sha256Pure returns the SHA-256 digest (FIPS 180-4) of a Uint8Array.
  function sha256Pure(bytes) {
    var n = bytes.length;
    var padded = Math.ceil((n + 9) / 64) * 64;
    var m = new Uint8Array(padded);
    m.set(bytes);
    m[n] = 0x80;
    var dv = new DataView(m.buffer);
    dv.setUint32(padded - 8, Math.floor(n / 0x20000000)); // the length in bits, big-endian
    dv.setUint32(padded - 4, (n * 8) >>> 0);
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Uint32Array(64);
    for (var off = 0; off < padded; off += 64) {
      var i;
      for (i = 0; i < 16; i++) { w[i] = dv.getUint32(off + 4 * i); }
      for (i = 16; i < 64; i++) {
        var s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        var s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (i = 0; i < 64; i++) {
        var t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        k = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      h[0] = (h[0] + a) >>> 0; h[1] = (h[1] + b) >>> 0; h[2] = (h[2] + c) >>> 0; h[3] = (h[3] + d) >>> 0;
      h[4] = (h[4] + e) >>> 0; h[5] = (h[5] + f) >>> 0; h[6] = (h[6] + g) >>> 0; h[7] = (h[7] + k) >>> 0;
    }
    var out = new Uint8Array(32);
    var odv = new DataView(out.buffer);
    for (var j = 0; j < 8; j++) { odv.setUint32(4 * j, h[j]); }
    return out;
  }

  function utf8(s) { return new TextEncoder().encode(s); }

  function toHex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16); }
    return s;
  }

  // hasSubtle reports whether the browser offers WebCrypto (HTTPS or
  // localhost only).
  function hasSubtle() {
    return typeof crypto !== "undefined" && !!crypto.subtle && typeof crypto.subtle.digest === "function";
  }

  // digest returns a promise of SHA-256(bytes): WebCrypto when there is
  // one (and pure is not asked for), the function above otherwise.
  function digest(bytes, pure) {
    if (!pure && hasSubtle()) {
      return crypto.subtle.digest("SHA-256", bytes).then(function (b) { return new Uint8Array(b); });
    }
    return Promise.resolve(sha256Pure(bytes));
  }

  // ticket returns a promise of the full ticket "0.…" of entity for the
  // draw with seed seedHex (spec §5).
  function ticket(seedHex, entity, pure) {
    return digest(utf8(seedHex + ":select"), pure).then(function (sh) {
      return digest(utf8(toHex(sh) + entity), pure);
    }).then(function (x) {
      var digits = BigInt("0x" + toHex(x)).toString(10);
      while (digits.length < 64) { digits = "0" + digits; }
      return "0." + digits.split("").reverse().join("");
    });
  }

  // commitment returns a promise of an official's commitment (spec §4);
  // WebCrypto only (see the top of this file).
  function commitment(planHash, participant, secret) {
    var msg = utf8("spotcheck-commit/1\n" + planHash + "\n" + participant + "\n" + secret);
    return crypto.subtle.digest("SHA-256", msg).then(function (b) { return toHex(new Uint8Array(b)); });
  }

  // secretProblem says what is wrong with a secret (spec §4: at least 20
  // code points, no LF; revealed in canonical JSON, so no control
  // characters or U+2028/U+2029 either), or "". A secret the reveal would
  // refuse must be caught before its commitment is logged.
  function secretProblem(secret) {
    if (secret.indexOf("\n") >= 0) { return "秘密值中不能有换行"; }
    if (/[\u0000-\u001f\u2028\u2029]/.test(secret)) { return "秘密值中不能有制表符等控制字符"; }
    var n = Array.from(secret).length;
    if (n < 20) { return "秘密值至少需要20个字符（现为" + n + "个）"; }
    return "";
  }

  var api = { sha256Pure: sha256Pure, toHex: toHex, utf8: utf8, ticket: ticket, commitment: commitment,
    secretProblem: secretProblem, hasSubtle: hasSubtle };
  if (typeof module === "object" && module.exports) { module.exports = api; }
  if (typeof document === "undefined") { return; }

  function show(el, on) { if (el) { el.hidden = !on; } }

  // The commit form: the secret fields have no name, so that a browser
  // without this script posts nothing of them; with WebCrypto, the
  // commitment is computed here and only it is posted.
  function initCommit(form) {
    var subtle = hasSubtle();
    show(form.querySelector("[data-webcrypto]"), subtle);
    show(form.querySelector("[data-nocrypto]"), !subtle);
    var err = form.querySelector("[data-commit-error]");
    form.addEventListener("submit", function (ev) {
      var secretEl = form.querySelector("[data-secret]");
      var againEl = form.querySelector("[data-secret-again]");
      var out = form.querySelector("input[name=commitment]");
      var secret = secretEl ? secretEl.value : "";
      err.textContent = "";
      if (!subtle || secret === "") {
        if (!out.value.trim()) {
          ev.preventDefault();
          err.textContent = subtle ? "请输入秘密值（或粘贴命令行输出的承诺值）" : "请粘贴命令行输出的承诺值";
        }
        return;
      }
      ev.preventDefault();
      var problem = secretProblem(secret);
      if (!problem && againEl && againEl.value !== secret) { problem = "两次输入的秘密值不一致"; }
      if (problem) { err.textContent = problem; return; }
      commitment(form.dataset.plan, form.dataset.participant, secret).then(function (c) {
        if (!window.confirm("承诺提交后不能更改。请确认已抄写或妥善保存秘密值，揭示时须逐字输入。\n\n承诺值：" + c)) { return; }
        out.value = c;
        secretEl.value = "";
        if (againEl) { againEl.value = ""; }
        form.submit();
      }, function () { err.textContent = "浏览器计算承诺值失败，请使用命令行计算"; });
    });
  }

  // The reveal form: with WebCrypto, a secret that does not match the
  // logged commitment is caught before it is posted.
  function initReveal(form) {
    var err = form.querySelector("[data-reveal-error]");
    form.addEventListener("submit", function (ev) {
      var secret = form.querySelector("input[name=secret]").value;
      err.textContent = "";
      var problem = secretProblem(secret);
      if (problem) { ev.preventDefault(); err.textContent = problem; return; }
      if (!hasSubtle()) { return; }
      ev.preventDefault();
      commitment(form.dataset.plan, form.dataset.participant, secret).then(function (c) {
        if (c !== form.dataset.commitment) {
          err.textContent = "该秘密值与您记入日志的承诺不符，请检查是否与提交承诺时完全一致（包括空格和全角、半角）";
          return;
        }
        form.submit();
      }, function () { form.submit(); });
    });
  }

  // normalizeCode folds an entity id as the directory stores it
  // (spotcheck.NormalizeCode): full-width ASCII to half-width, trimmed,
  // upper case — so "９１３５…" or "guide-…" typed by hand is found.
  function normalizeCode(s) {
    s = s.replace(/[\uFF01-\uFF5E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/\u3000/g, " ");
    return s.trim().toUpperCase();
  }

  // The public ticket check.
  function initTicketCheck(box) {
    var seed = box.dataset.seed;
    var form = box.querySelector("[data-ticket-form]");
    var input = box.querySelector("[data-entity-input]");
    var result = box.querySelector("[data-ticket-result]");
    var rows = document.querySelectorAll("[data-selected] tr[data-entity]");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var id = normalizeCode(input.value);
      if (!id) { result.textContent = "请输入统一社会信用代码"; return; }
      var how = hasSubtle() ? "浏览器 WebCrypto" : "本页内置的 SHA-256";
      ticket(seed, id).then(function (t) {
        var t18 = t.slice(0, 20);
        var row = null;
        for (var i = 0; i < rows.length; i++) {
          if (rows[i].dataset.entity === id) { row = rows[i]; }
        }
        result.textContent = "";
        var p = document.createElement("p");
        var verdict;
        if (row && row.dataset.ticket === t18) {
          verdict = "已被抽中：与公示名单中的票号一致。";
          p.className = "flash";
        } else if (row) {
          verdict = "已被抽中，但公示名单中的票号为 " + row.dataset.ticket + "，与计算结果不一致！请下载抽取包核验。";
          p.className = "error";
        } else {
          verdict = "未被抽中（不在公示名单中）。每层按票号从小到大抽取；票号较大、被排除或不在抽取范围内的对象不会被抽中。";
          p.className = "notice";
        }
        p.textContent = id + "：" + verdict;
        var dl = document.createElement("dl");
        dl.className = "facts compact";
        [["票号（前18位）", t18], ["完整票号", t], ["计算方式", how]].forEach(function (kv) {
          var dt = document.createElement("dt"); dt.textContent = kv[0];
          var dd = document.createElement("dd"); dd.textContent = kv[1]; dd.className = "code secret";
          dl.appendChild(dt); dl.appendChild(dd);
        });
        result.appendChild(p);
        result.appendChild(dl);
        rows.forEach(function (r) { r.classList.toggle("hit", r === row); });
      }, function () { result.textContent = "计算失败"; });
    });
  }

  // The task form: only the rows of the chosen stratification are shown.
  function initStrata(select) {
    function update() {
      document.querySelectorAll("[data-stratum-of]").forEach(function (row) {
        row.hidden = row.dataset.stratumOf.split(" ").indexOf(select.value) < 0;
      });
    }
    select.addEventListener("change", update);
    update();
  }

  function init() {
    document.querySelectorAll("[data-commit-form]").forEach(initCommit);
    document.querySelectorAll("[data-reveal-form]").forEach(initReveal);
    document.querySelectorAll("[data-ticket-check]").forEach(initTicketCheck);
    document.querySelectorAll("[data-strata-by]").forEach(initStrata);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
