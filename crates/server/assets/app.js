// The operations-centre dashboard: everything comes from the JSON API
// (/api/openapi.json describes it); charts are SVG drawn by the server.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { name: null, info: null, kinds: [], run: null, lastId: null, events: [], todayPinned: false };

// The kinds of event and their fields come from the server (/api/event-kinds,
// derived from the operations log's own definition of an event).
class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
  describe() {
    const b = this.body;
    return (b.field ? `${b.field}: ` : "") + this.message + (b.hint ? ` (${b.hint})` : "");
  }
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const token = sessionStorage.getItem("drawdown-token");
  if (token) headers["Authorization"] = "Bearer " + token;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(options.json);
  }
  const r = await fetch(path, { method: options.method || "GET", headers, body: options.body });
  if (r.status === 401) $("token-bar").hidden = false;
  if (!r.ok) {
    let body = null;
    try { body = await r.json(); } catch (_) { /* not JSON */ }
    throw new ApiError(r.status, body);
  }
  return options.text ? r.text() : r.json();
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

const fmt = (x) => (x === null || x === undefined ? "–" : Number(x).toLocaleString("en-GB"));
const pct = (x) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1) + " %");
const band = (q) => (q ? `${fmt(q.p50)} (${fmt(q.p5)}–${fmt(q.p95)})` : "–");

function showBanner(msg) {
  $("banner").textContent = msg;
  $("banner").hidden = !msg;
}

async function start() {
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem("drawdown-token", $("token").value.trim());
    $("token-bar").hidden = true;
    start();
  });
  try {
    const list = await api("/api/scenarios");
    if (!list.default) { showBanner("No scenario in the store."); return; }
    state.name = list.default;
    state.info = await api(`/api/scenarios/${encodeURIComponent(state.name)}`);
    state.kinds = (await api("/api/event-kinds")).kinds;
    showBanner("");
  } catch (e) {
    showBanner(e instanceof ApiError ? e.describe() : String(e));
    return;
  }
  setup();
  await refresh();
  document.body.dataset.ready = "1";
}

function setup() {
  const s = state.info;
  $("title").textContent = s.title;
  $("subtitle").textContent = `${s.name} v${s.version} · ${s.start} → deadline ${s.deadline} · ${fmt(s.personnel)} personnel`;
  $("today").min = s.start;
  $("today").onchange = () => { state.todayPinned = !!$("today").value; refresh(); };

  const vs = $("variants");
  vs.querySelectorAll("label").forEach((l) => l.remove());
  for (const v of s.variants) {
    vs.append(el("label", { title: v.description }, el("input", { type: "checkbox", name: "variant", value: v.name }), v.name));
  }
  const ms = $("move-site");
  ms.replaceChildren(el("option", { value: "" }, "— no change —"));
  for (const site of s.sites.filter((x) => x.planned_closure)) {
    ms.append(el("option", { value: site.id, "data-date": site.planned_closure }, `${site.name || site.id} (planned ${site.planned_closure})`));
  }
  ms.onchange = () => { const o = ms.selectedOptions[0]; $("move-date").value = o ? o.dataset.date || "" : ""; };
  $("whatif-form").onsubmit = runWhatIf;
  $("reset-whatif").onclick = () => { state.run = null; $("whatif-state").textContent = "Showing the plan as written."; outcome(null); refreshCharts(); };
  $("whatif-state").textContent = "Showing the plan as written.";
  outcome(null);
  $("replan-form").onsubmit = runReplan;

  const kind = $("ev-kind");
  kind.replaceChildren(...state.kinds.map((k) => el("option", { value: k.kind, title: k.description }, k.kind.replace(/_/g, " "))));
  kind.onchange = eventFields;
  eventFields();
  $("event-form").onsubmit = recordEvent;
}

// A select of the scenario's sites that pass `keep`.
function siteSelect(name, keep, optional) {
  const sel = el("select", { name });
  if (optional) sel.append(el("option", { value: "" }, "—"));
  for (const x of state.info.sites.filter(keep)) sel.append(el("option", { value: x.id }, x.name ? `${x.name} (${x.id})` : x.id));
  return sel;
}

// Which sites a site field takes (a field's `sites`), as the log checks them.
const SITE_FILTERS = {
  base: (x) => x.base,
  any: () => true,
  airfield: (x) => x.airfield,
  airfield_or_exit: (x) => x.airfield || x.exit,
};

const kindOf = (name) => state.kinds.find((k) => k.kind === name) || { fields: [] };

function eventFields() {
  const box = $("ev-fields");
  box.replaceChildren();
  for (const f of kindOf($("ev-kind").value).fields) {
    let input;
    if (f.sites in SITE_FILTERS) input = siteSelect(f.name, SITE_FILTERS[f.sites], !f.required);
    else if (f.input === "choice") input = el("select", { name: f.name }, ...f.choices.map((k) => el("option", { value: k }, String(k).replace(/_/g, " "))));
    else input = el("input", { type: f.input, name: f.name, min: f.input === "number" ? "0" : null, value: f.initial ?? null });
    input.id = "ev-f-" + f.name;
    box.append(el("label", {}, f.label, input));
  }
}

async function recordEvent(e) {
  e.preventDefault();
  const kind = $("ev-kind").value;
  const ev = { kind, at: $("ev-at").value.trim(), recorded_by: $("ev-by").value.trim() };
  if ($("ev-note").value.trim()) ev.note = $("ev-note").value.trim();
  for (const f of kindOf(kind).fields) {
    const v = $("ev-f-" + f.name).value.trim();
    if (v === "") continue;
    ev[f.name] = f.input === "number" ? Number(v) : v;
  }
  const out = $("ev-result");
  $("ev-submit").disabled = true;
  try {
    const logged = await api(`/api/scenarios/${encodeURIComponent(state.name)}/events`, { method: "POST", json: ev });
    out.className = "ok";
    out.textContent = `Recorded #${logged.id}: ${describeEvent(logged)}`;
    await refresh();
  } catch (err) {
    out.className = "error";
    out.textContent = "Not recorded. " + (err instanceof ApiError ? err.describe() : String(err));
    $("events").prepend(el("li", { class: "rejected" }, el("span", { class: "when" }, ev.at || "?"), " rejected: ", describeEvent(ev), " — ", err instanceof ApiError ? err.describe() : String(err)));
  } finally {
    $("ev-submit").disabled = false;
  }
}

function describeEvent(ev) {
  const parts = [ev.kind.replace(/_/g, " ")];
  for (const { name: k } of kindOf(ev.kind).fields) {
    if (ev[k] !== undefined && ev[k] !== null && ev[k] !== 0 && ev[k] !== "") parts.push(`${k} ${ev[k]}`);
  }
  return parts.join(", ");
}

async function refresh() {
  await Promise.all([refreshEvents(), refreshStatus()]);
  await refreshCharts();
}

function query(withRun) {
  const p = new URLSearchParams();
  if (state.todayPinned && $("today").value) p.set("today", $("today").value);
  if (withRun && state.run) p.set("run", state.run);
  const s = p.toString();
  return s ? "?" + s : "";
}

async function refreshStatus() {
  try {
    const st = await api(`/api/scenarios/${encodeURIComponent(state.name)}/status${query(false)}`);
    if (!state.todayPinned) $("today").value = st.today;
    $("verdict").textContent = st.verdict;
    const exp = st.personnel.expected;
    const rows = [
      ["Sites closed", `${st.closures.actual} of ${st.closures.planned} planned by today`, st.closures.expected_median !== null ? `simulated median ${st.closures.expected_median}` : ""],
      ["Personnel out", fmt(st.personnel.out) + ` of ${fmt(st.personnel.total)}`, exp ? `expected ${fmt(exp.p50)} (${fmt(exp.p10)}–${fmt(exp.p90)})` : ""],
      ["In transit", `${st.convoys.in_transit.length} convoy(s), ${fmt(st.personnel.in_transit)} personnel`, ""],
      ["Flights", `${st.flights.count} departed, ${fmt(st.flights.personnel)} personnel`, `${fmt(st.personnel.out_by_air)} out by air, ${fmt(st.flights.cargo)} cargo`],
      ["Casualties", `${st.casualties.killed} killed, ${st.casualties.wounded} wounded`, `${st.casualties.incidents} incident(s)`],
      ["Clearances", `${st.clearances.approved} approved, ${st.clearances.denied} denied`, `${st.clearances.pending.length} pending`],
      ["Trucks held", fmt(st.trucks_held_total), st.trucks_held.map((h) => `${h.site} ${h.trucks}`).join(", ")],
      ["Deadline", `${st.deadline}`, `${st.days_to_deadline} day(s) from ${st.today}`],
    ];
    const late = st.sites.filter((x) => x.flag === "late" || x.flag === "overdue");
    if (late.length) rows.push(["Late", late.map((x) => `${x.name || x.site} ${x.days_late > 0 ? "+" + x.days_late + " d" : ""}`).join(", "), ""]);
    $("status-table").replaceChildren(...rows.map(([a, b, c]) => el("tr", {}, el("th", {}, a), el("td", {}, b), el("td", { class: "muted" }, c))));
  } catch (e) {
    showBanner(e instanceof ApiError ? e.describe() : String(e));
  }
}

async function refreshEvents() {
  const base = `/api/scenarios/${encodeURIComponent(state.name)}/events`;
  try {
    for (;;) {
      const page = await api(base + (state.lastId !== null ? `?after=${state.lastId}&limit=1000` : "?limit=1000"));
      for (const ev of page.events) {
        state.events.push(ev);
        state.lastId = ev.id;
      }
      $("log-count").textContent = `(${fmt(page.total)})`;
      if (page.events.length < 1000) break;
    }
  } catch (e) {
    showBanner(e instanceof ApiError ? e.describe() : String(e));
    return;
  }
  const list = $("events");
  const rejected = [...list.querySelectorAll("li.rejected")];
  const shown = state.events.slice(-100).reverse();
  list.replaceChildren(...rejected, ...shown.map((ev) => el("li", { "data-id": ev.id },
    el("span", { class: "when" }, ev.at.replace(":00Z", "").replace("T00:00", "")), " ", describeEvent(ev),
    el("span", { class: "muted" }, ` — ${ev.recorded_by}${ev.note ? ": " + ev.note : ""}`))));
}

async function refreshCharts() {
  const q = query(true);
  await Promise.all(["map", "gantt", "fan"].map(async (c) => {
    const box = $("chart-" + c);
    try {
      box.innerHTML = await api(`/api/scenarios/${encodeURIComponent(state.name)}/charts/${c}${q}`, { text: true });
      box.dataset.run = state.run || "plan";
    } catch (e) {
      box.textContent = e instanceof ApiError ? e.describe() : String(e);
    }
  }));
}

function outcome(result) {
  const base = state.info.baseline.summary;
  const o = result ? result.summary : null;
  const row = (label, f) => el("tr", {}, el("th", {}, label), el("td", { class: "n" }, f(base)), el("td", { class: "n" }, o ? f(o) : ""));
  $("outcome").replaceChildren(
    el("tr", {}, el("th", {}, "By the deadline"), el("th", { class: "n" }, "plan"), el("th", { class: "n" }, result ? "what-if" : "")),
    row("Personnel out, P50 (P5–P95)", (x) => band(x.personnel_departed_by_deadline)),
    row("P(all closures done)", (x) => pct(x.p_all_sites_closed_by_deadline)),
    row("Sites closed", (x) => band(x.sites_closed_by_deadline)),
    row("Killed", (x) => band(x.killed)),
    row("Wounded", (x) => band(x.wounded)),
  );
}

async function runWhatIf(e) {
  e.preventDefault();
  const req = { variants: [...document.querySelectorAll("input[name=variant]:checked")].map((x) => x.value), closures: {}, runs: Number($("runs").value) };
  if ($("move-site").value && $("move-date").value) req.closures[$("move-site").value] = $("move-date").value;
  const btn = $("run-whatif");
  btn.disabled = true;
  $("whatif-state").textContent = `Simulating ${fmt(req.runs)} replications…`;
  const t0 = performance.now();
  try {
    const r = await api(`/api/scenarios/${encodeURIComponent(state.name)}/whatif`, { method: "POST", json: req });
    state.run = r.run;
    const what = [...req.variants, ...Object.entries(req.closures).map(([s, d]) => `${s} closes ${d}`)].join(", ") || "the plan as written";
    $("whatif-state").className = "muted";
    $("whatif-state").textContent = `Run #${r.run}: ${what} — ${fmt(r.result.runs)} replications in ${((performance.now() - t0) / 1000).toFixed(2)} s.`;
    outcome(r.result);
    await refreshCharts();
  } catch (err) {
    $("whatif-state").className = "error";
    $("whatif-state").textContent = err instanceof ApiError ? err.describe() : String(err);
  } finally {
    btn.disabled = false;
  }
}

// Explanation lines shown under the closures (the response has up to 12).
const REPLAN_LINES = 5;

async function runReplan(e) {
  e.preventDefault();
  const req = { time_limit_s: 20 };
  if (state.todayPinned && $("today").value) req.today = $("today").value;
  if ($("replan-margin").value.trim() !== "") req.margin_days = Number($("replan-margin").value);
  const btn = $("run-replan");
  const msg = $("replan-state");
  btn.disabled = true;
  msg.className = "muted";
  msg.textContent = `Re-planning from the log… (the solver stops within ${req.time_limit_s} s)`;
  const t0 = performance.now();
  try {
    const r = await api(`/api/scenarios/${encodeURIComponent(state.name)}/plan`, { method: "POST", json: req });
    msg.textContent = `Run #${r.run}: the log up to ${r.today}, planned from ${r.as_of} in ${((performance.now() - t0) / 1000).toFixed(1)} s.`;
    showReplan(r);
  } catch (err) {
    msg.className = "error";
    msg.textContent = err instanceof ApiError ? err.describe() : String(err);
  } finally {
    btn.disabled = false;
  }
}

function showReplan(r) {
  const s = r.summary;
  const left = Math.round(s.personnel_left);
  const gap = s.status === "Optimal" ? `gap ${(100 * s.gap).toFixed(2)} %` : `${s.status}, gap ${(100 * s.gap).toFixed(2)} %`;
  $("replan-summary").className = "verdict " + (left > 0 ? "late" : "good");
  $("replan-summary").textContent = `${gap} · ${fmt(left)} of ${fmt(Math.round(s.personnel_total))} personnel left at the deadline · ${s.expected_casualties.toFixed(1)} expected casualties`;
  $("replan-closures").replaceChildren(
    el("tr", {}, el("th", {}, "Site"), el("th", {}, "Closes"), el("th", {}, "To")),
    ...[...s.closures].sort((a, b) => a.date.localeCompare(b.date) || a.site.localeCompare(b.site))
      .map((c) => el("tr", {}, el("td", { title: c.site }, siteName(c.site)), el("td", { class: "date" }, c.date), el("td", { title: c.to }, siteName(c.to)))),
  );
  const lines = s.explanation.slice(0, REPLAN_LINES).map((t) => el("li", {}, t));
  if (s.relaxation && s.relaxation.overrides && s.relaxation.overrides.length) {
    lines.push(el("li", { class: "note" }, "To meet the deadline, one of: " + s.relaxation.overrides.join("; ")));
  }
  for (const n of r.notes) lines.push(el("li", { class: "note" }, "Note: " + n));
  $("replan-explain").replaceChildren(...lines);
  const a = $("replan-download");
  if (a.href) URL.revokeObjectURL(a.href);
  a.href = URL.createObjectURL(new Blob([r.plan_toml], { type: "application/toml" }));
  a.download = `plan-${r.as_of}.toml`;
  $("replan-result").hidden = false;
}

// A site's name without its description in brackets, e.g. "Timbuktu".
function siteName(id) {
  const x = state.info.sites.find((s) => s.id === id);
  return x && x.name ? x.name.replace(/\s*\(.*\)$/, "") : id;
}

document.addEventListener("DOMContentLoaded", start);
