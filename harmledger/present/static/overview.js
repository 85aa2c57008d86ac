// harmledger overview: one set of filters drives the map, the timeline and the list together.
// Data come from /api/map; every text from the ledger is put in the page with textContent, never as HTML.
"use strict";

(function () {
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const form = document.getElementById("filters");
  const listBody = document.querySelector("#list tbody");
  const count = document.getElementById("count");
  const timeline = document.getElementById("timeline");
  const SVG = "http://www.w3.org/2000/svg";
  const MAX_RADIUS = 22;

  // ---------------------------------------------------------------- the map
  const map = L.map("map", { zoomSnap: 0.25, minZoom: 3, maxZoom: 16 }).setView([35.0, 38.6], 6.75);
  map.attributionControl.setPrefix("Leaflet");
  // countries always under governorates: each in its own pane, whichever file arrives first
  map.createPane("countries").style.zIndex = 190;
  map.createPane("basemap").style.zIndex = 200;
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, { attribution: cfg.tilesAttribution || "", maxZoom: 18 }).addTo(map);
  }
  const basemaps = [
    ["/basemap/world_admin0_ne110m.geojson", "countries", { color: "#aaa", weight: 1, fillColor: "#f3f0e8", fillOpacity: cfg.tiles ? 0 : 1 }],
    ["/basemap/syria_admin1.geojson", "basemap", { color: "#888", weight: 1, fillColor: "#fbfaf6", fillOpacity: cfg.tiles ? 0 : 1 }],
  ];
  let basemapsLoaded = 0;
  let admin1Shapes = null; // the governorates' outlines, kept for the choropleth
  for (const [url, pane, style] of basemaps) {
    fetch(url).then((r) => r.json()).then((g) => {
      L.geoJSON(g, { pane: pane, style: style, interactive: false }).addTo(map);
      if (pane === "basemap") { admin1Shapes = g; drawChoropleth(); }
      basemapsLoaded += 1;
      if (basemapsLoaded === basemaps.length) document.body.dataset.basemaps = "loaded";
    });
  }

  // place names from the gazetteer (offline): the largest towns at the opening zoom, more as one zooms in
  map.createPane("labels").style.zIndex = 640; // above markers and clusters (600), under tooltips and popups
  map.getPane("labels").style.pointerEvents = "none";
  const placeLabels = [];
  fetch("/api/labels").then((r) => r.json()).then((rows) => {
    for (const t of rows) {
      const el = document.createElement("span");
      el.textContent = t.name;
      const icon = L.divIcon({ html: el, className: "place-label rank" + t.rank, iconSize: null });
      placeLabels.push([t.rank, L.marker([t.lat, t.lon], { icon: icon, pane: "labels", interactive: false,
        keyboard: false })]);
    }
    showLabels();
    document.body.dataset.labels = String(rows.length);
  });
  function showLabels() {
    const z = map.getZoom();
    const upto = z >= 9 ? 3 : z >= 8 ? 2 : 1;
    for (const [rank, m] of placeLabels) {
      if (rank <= upto) m.addTo(map); else m.remove();
    }
  }
  map.on("zoomend", showLabels);

  // a legend: perpetrator colours and what a marker's size means
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "map-legend");
    const h = document.createElement("b");
    h.textContent = "first named perpetrator";
    div.appendChild(h);
    for (const [id, c] of Object.entries(cfg.colours)) {
      const row = document.createElement("div");
      const sw = document.createElement("i");
      sw.className = "dot";
      sw.style.background = c;
      row.appendChild(sw);
      row.appendChild(document.createTextNode((cfg.labels && cfg.labels[id]) || id || "unattributed"));
      div.appendChild(row);
    }
    const size = document.createElement("div");
    size.className = "meta";
    size.textContent = "circle area ∝ highest reported killed (capped); numbers: incidents grouped";
    div.appendChild(size);
    return div;
  };
  legend.addTo(map);
  // ---------------------------------------------------------------- a control layer under the incidents
  map.createPane("control").style.zIndex = 300;
  const picker = document.getElementById("control-layer");
  let controlLayer = null;
  let controlLegend = null;
  function drawControl() {
    if (controlLayer) { map.removeLayer(controlLayer); controlLayer = null; }
    if (controlLegend) { map.removeControl(controlLegend); controlLegend = null; }
    const id = picker ? picker.value : "";
    if (!id) return;
    Promise.all([fetch("/api/control").then((r) => r.json()),
                 fetch("/api/control/" + encodeURIComponent(id)).then((r) => r.json())]).then(([all, g]) => {
      if (picker.value !== id) return;
      const meta = all.find((x) => x.id === id) || {};
      controlLayer = L.geoJSON(g, {
        pane: "control", interactive: false,
        style: (f) => ({ color: "#777", weight: 0.5, fillColor: f.properties.colour, fillOpacity: 0.55 }),
      }).addTo(map);
      controlLegend = L.control({ position: "bottomright" });
      controlLegend.onAdd = () => {
        const div = L.DomUtil.create("div", "control-legend");
        const h = document.createElement("b");
        h.textContent = (meta.name || "control") + (meta.date ? " · " + meta.date : "");
        div.appendChild(h);
        if (meta.schematic) {
          const s = document.createElement("div");
          s.className = "schematic";
          s.textContent = "SCHEMATIC: not front lines";
          div.appendChild(s);
        }
        for (const p of meta.parties || []) {
          const row = document.createElement("div");
          const sw = document.createElement("i");
          sw.className = "dot";
          sw.style.background = p.colour;
          row.appendChild(sw);
          row.appendChild(document.createTextNode(p.party + (p.actor ? " (" + p.actor + ")" : "")));
          div.appendChild(row);
        }
        const src = document.createElement("div");
        src.className = "meta";
        src.textContent = "source: " + (meta.source || "not stated") + "; licence: " + (meta.licence || "not stated");
        div.appendChild(src);
        return div;
      };
      controlLegend.addTo(map);
      document.body.dataset.control = id;
    });
  }
  if (picker) picker.addEventListener("change", drawControl);

  // ---------------------------------------------------------------- governorate choropleth (a toggle)
  // incidents (or killed, lowest reported) per governorate of the filtered set, governorate-level incidents
  // included; one neutral sequential scale, so it cannot be read as a perpetrator's colour
  map.createPane("choropleth").style.zIndex = 250;
  const SHADES = ["#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"];
  const modeSelect = document.getElementById("map-mode");
  let choroLayer = null, choroLegend = null, current = [];
  function mode() { return modeSelect ? modeSelect.value : "points"; }
  function drawChoropleth() {
    if (choroLayer) { map.removeLayer(choroLayer); choroLayer = null; }
    if (choroLegend) { map.removeControl(choroLegend); choroLegend = null; }
    const m = mode();
    if (m === "points") {
      if (!map.hasLayer(cluster)) map.addLayer(cluster);
      legend.addTo(map);
      document.body.dataset.mode = "points";
      return;
    }
    if (map.hasLayer(cluster)) map.removeLayer(cluster);
    legend.remove(); // the perpetrator colours are the points'; the shades say something else
    if (!admin1Shapes) return; // drawn when the outlines arrive
    const per = new Map();
    let unplaced = 0;
    for (const r of current) {
      const code = r.admin1 ? (cfg.govCodes || {})[r.admin1] : undefined;
      if (!code) { unplaced += 1; continue; }
      per.set(code, (per.get(code) || 0) + (m === "killed" ? (r.killed_min || 0) : 1));
    }
    const max = Math.max(0, ...per.values());
    // classes of equal width on a square-root scale: a few large values must not flatten the rest
    const cls = (v) => (v <= 0 || !max ? 0 : Math.min(SHADES.length - 1, 1 + Math.floor(Math.sqrt(v / max) * (SHADES.length - 1) - 1e-9)));
    const noun = m === "killed" ? "killed (lowest reported, summed)" : "incidents";
    choroLayer = L.geoJSON(admin1Shapes, {
      pane: "choropleth",
      style: (f) => ({ color: "#555", weight: 1, fillColor: SHADES[cls(per.get(f.properties.pcode) || 0)], fillOpacity: 0.85 }),
      onEachFeature: (f, layer) => {
        const v = per.get(f.properties.pcode) || 0;
        layer.bindTooltip(() => {
          const tip = document.createElement("span");
          tip.textContent = f.properties.name_en + ": " + v.toLocaleString("en") + " " + noun;
          return tip;
        }, { sticky: true });
        layer.on("click", () => {
          const name = Object.keys(cfg.govCodes || {}).find((k) => cfg.govCodes[k] === f.properties.pcode);
          if (name && form.elements.admin1) { form.elements.admin1.value = name; load(); }
        });
      },
    }).addTo(map);
    choroLegend = L.control({ position: "bottomright" });
    choroLegend.onAdd = () => {
      const div = L.DomUtil.create("div", "map-legend choro-legend");
      const h = document.createElement("b");
      h.textContent = noun + " per governorate";
      div.appendChild(h);
      for (let i = SHADES.length - 1; i >= 0; i--) {
        const row = document.createElement("div");
        const sw = document.createElement("i");
        sw.className = "swatch";
        sw.style.background = SHADES[i];
        row.appendChild(sw);
        const lo = i === 0 ? 0 : Math.floor(max * Math.pow((i - 1) / (SHADES.length - 1), 2)) + 1;
        const hi = i === 0 ? 0 : Math.floor(max * Math.pow(i / (SHADES.length - 1), 2));
        if (lo > hi) continue; // no whole number falls in this class
        row.appendChild(document.createTextNode(i === 0 ? "none" : lo === hi ? lo.toLocaleString("en") :
          lo.toLocaleString("en") + "–" + hi.toLocaleString("en")));
        div.appendChild(row);
      }
      if (unplaced) {
        const n = document.createElement("div");
        n.className = "meta";
        n.textContent = unplaced.toLocaleString("en") + " known only to the country (or no place): not counted";
        div.appendChild(n);
      }
      return div;
    };
    choroLegend.addTo(map);
    document.body.dataset.mode = m;
  }
  if (modeSelect) modeSelect.addEventListener("change", () => { drawChoropleth(); });

  // clusters in the colour of the perpetrator most of their incidents name (not the library's traffic lights,
  // whose green would read as "opposition")
  const cluster = L.markerClusterGroup({
    maxClusterRadius: 28, disableClusteringAtZoom: 11, showCoverageOnHover: false,
    iconCreateFunction: (c) => {
      const counts = new Map();
      for (const m of c.getAllChildMarkers()) counts.set(m.options.perp, (counts.get(m.options.perp) || 0) + 1);
      let top = "", best = -1;
      for (const [k, v] of counts) if (v > best) { best = v; top = k; }
      const n = c.getChildCount();
      const size = n < 10 ? 26 : n < 100 ? 32 : 40;
      const el = document.createElement("div");
      el.className = "hl-cluster";
      el.style.background = cfg.colours[top] || cfg.colours[""] || "#999";
      el.style.width = el.style.height = size + "px";
      el.style.lineHeight = size + "px";
      el.textContent = String(n);
      return L.divIcon({ html: el, className: "hl-cluster-icon", iconSize: L.point(size, size) });
    },
  });
  map.addLayer(cluster);

  function colour(perps) {
    const first = (perps || "").split(",")[0];
    return cfg.colours[first] || cfg.colours[""] || "#999";
  }

  // human labels for stored ids (the pack's actor names, present/data/labels.en.json)
  const L10N = cfg.vocab || {};
  function label(kind, ids) {
    const table = kind === "actor" ? cfg.labels || {} : L10N[kind] || {};
    return (ids || "").split(",").filter((x) => x).map((x) => {
      const v = table[x];
      return Array.isArray(v) ? v[0] : v || x.replace(/_/g, " ");
    }).join(", ");
  }

  // a lowest–highest reported figure as the report and the incident page write it (report.casualty_range):
  // thousands separators, "30+" for "more than 30", "~24" for "dozens"
  function range(a, b, plus, vague) {
    if (a === null || a === undefined) return "—";
    const n = (x) => Number(x).toLocaleString("en");
    const out = a === b || b === null || b === undefined ? n(a) : n(a) + "–" + n(b);
    return (vague ? "~" : "") + out + (plus ? "+" : "");
  }

  function popup(r) {
    const div = document.createElement("div");
    const a = document.createElement("a");
    a.href = "/incidents/" + encodeURIComponent(r.id);
    a.textContent = (r.date_start || "?") + " · " + (r.place_name || "place unknown");
    div.appendChild(a);
    const p = document.createElement("div");
    p.textContent = "killed " + range(r.killed_min, r.killed_max, r.killed_plus, r.killed_vague) + " · " + (label("actor", r.perpetrators) || "unattributed") +
      " · " + label("grades", r.grade) +
      (r.contested_by ? " · contested by " + r.contested_by + (r.contested_by === 1 ? " reader" : " readers") : "");
    div.appendChild(p);
    return div;
  }

  // ---------------------------------------------------------------- the timeline (incidents per month)
  function drawTimeline(items) {
    const months = new Map();
    let outside = 0;
    const [lo, hi] = cfg.dateRange || ["0000-01-01", "9999-12-31"];
    let undated = 0, byReport = 0;
    for (const r of items) {
      if (!r.date_start) { undated += 1; continue; } // no report gives a date: listed, not plotted
      if (r.date_basis === "report") byReport += 1; // the text gives none: dated by its reports' publication
      if (r.date_start < lo || r.date_start > hi) { outside += 1; continue; } // a data problem, not a month
      const m = r.date_start.slice(0, 7);
      const v = months.get(m) || { n: 0, killed: 0, by: new Map() };
      v.n += 1;
      v.killed += r.killed_min || 0;
      const perp = (r.perpetrators || "").split(",")[0];
      v.by.set(perp, (v.by.get(perp) || 0) + 1);
      months.set(m, v);
    }
    timeline.textContent = "";
    const keys = Array.from(months.keys()).sort();
    if (!keys.length) {
      timeline.textContent = "no dated incidents";
      return;
    }
    // every month between the first and the last, empty ones included
    const all = [];
    let [y, mo] = keys[0].split("-").map(Number);
    const [y1, m1] = keys[keys.length - 1].split("-").map(Number);
    while (y < y1 || (y === y1 && mo <= m1)) {
      all.push(y + "-" + String(mo).padStart(2, "0"));
      mo += 1;
      if (mo > 12) { mo = 1; y += 1; }
    }
    const W = Math.max(300, timeline.clientWidth || 1000), H = 120, pad = 18;
    const bw = (W - 2 * pad) / all.length;
    const max = Math.max(...all.map((k) => (months.get(k) || { n: 0 }).n));
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + (H + 20));
    svg.setAttribute("class", "timeline");
    all.forEach((k, i) => {
      const v = months.get(k) || { n: 0, killed: 0, by: new Map() };
      // one segment per first-named perpetrator, in the map's colours, the largest at the bottom
      const parts = Array.from(v.by.entries()).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      if (!parts.length) parts.push(["", 0]);
      let top = H;
      for (const [perp, count] of parts) {
        const h = max ? (count / max) * H : 0;
        const rect = document.createElementNS(SVG, "rect");
        rect.setAttribute("x", String(pad + i * bw + 1));
        rect.setAttribute("y", String(top - h));
        rect.setAttribute("width", String(Math.max(1, bw - 2)));
        rect.setAttribute("height", String(Math.max(h, count ? 1 : 0)));
        rect.setAttribute("class", "bar");
        rect.setAttribute("fill", cfg.colours[perp] || cfg.colours[""] || "#999");
        rect.dataset.month = k;
        top -= h;
        const t = document.createElementNS(SVG, "title");
        t.textContent = k + ": " + v.n + " incidents (" + count + " " + (label("actor", perp) || "unattributed") +
          "), at least " + v.killed + " killed (click: this month; drag: a period)";
        rect.appendChild(t);
        svg.appendChild(rect);
      }
      if (k.endsWith("-01") || all.length <= 14) {
        const lab = document.createElementNS(SVG, "text");
        lab.setAttribute("x", String(pad + i * bw));
        lab.setAttribute("y", String(H + 14));
        lab.textContent = all.length <= 14 ? k : k.slice(0, 4);
        svg.appendChild(lab);
      }
    });
    // brushing: drag across months (or click one) to filter the map and list to that period; with the
    // keyboard, arrows move through the months, shift+arrows widen the period, Enter applies, Escape clears
    const brush = document.createElementNS(SVG, "rect");
    brush.setAttribute("class", "brush");
    brush.setAttribute("y", "0");
    brush.setAttribute("height", String(H));
    brush.style.display = "none";
    svg.appendChild(brush);
    const span = { a: null, b: null };
    const show = () => {
      if (span.a === null) { brush.style.display = "none"; return; }
      const lo = Math.min(span.a, span.b), hi = Math.max(span.a, span.b);
      brush.setAttribute("x", String(pad + lo * bw));
      brush.setAttribute("width", String((hi - lo + 1) * bw));
      brush.style.display = "";
      svg.setAttribute("aria-valuetext", all[lo] + (hi > lo ? " to " + all[hi] : ""));
    };
    const apply = () => {
      if (span.a === null) return;
      const lo = all[Math.min(span.a, span.b)], hi = all[Math.max(span.a, span.b)];
      const [yy, mm] = hi.split("-").map(Number);
      const last = new Date(Date.UTC(yy, mm, 0)).getUTCDate();
      form.elements.since.value = lo + "-01";
      form.elements.until.value = hi + "-" + String(last).padStart(2, "0");
      load();
    };
    const at = (ev) => {
      const box = svg.getBoundingClientRect();
      const x = (ev.clientX - box.left) * (W / box.width);
      return Math.max(0, Math.min(all.length - 1, Math.floor((x - pad) / bw)));
    };
    let dragging = false;
    svg.addEventListener("pointerdown", (ev) => {
      dragging = true;
      span.a = span.b = at(ev);
      svg.setPointerCapture(ev.pointerId);
      show();
    });
    svg.addEventListener("pointermove", (ev) => { if (dragging) { span.b = at(ev); show(); } });
    svg.addEventListener("pointerup", (ev) => {
      if (!dragging) return;
      dragging = false;
      span.b = at(ev);
      apply();
    });
    svg.setAttribute("tabindex", "0");
    svg.setAttribute("role", "slider");
    svg.setAttribute("aria-label", "Timeline: arrow keys choose a month, shift and arrows a period, Enter filters, Escape clears");
    svg.addEventListener("keydown", (ev) => {
      const step = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
      if (step) {
        ev.preventDefault();
        if (span.a === null) { span.a = span.b = step > 0 ? 0 : all.length - 1; }
        else if (ev.shiftKey) span.b = Math.max(0, Math.min(all.length - 1, span.b + step));
        else span.a = span.b = Math.max(0, Math.min(all.length - 1, span.b + step));
        show();
      } else if (ev.key === "Enter") {
        ev.preventDefault();
        apply();
      } else if (ev.key === "Escape") {
        span.a = span.b = null;
        show();
        if (form.elements.since.value || form.elements.until.value) {
          form.elements.since.value = "";
          form.elements.until.value = "";
          load();
        }
      }
    });
    // the period the date filters hold, drawn as the brush
    const since = form.elements.since.value, until = form.elements.until.value;
    if (since || until) {
      const a = since ? all.findIndex((k) => k >= since.slice(0, 7)) : 0;
      let b = until ? all.length - 1 - [...all].reverse().findIndex((k) => k <= until.slice(0, 7)) : all.length - 1;
      if (b > all.length - 1) b = -1;
      if (a >= 0 && b >= a) { span.a = a; span.b = b; show(); }
    }
    // the axis: the tallest month's height in incidents, and a baseline
    const axis = document.createElementNS(SVG, "line");
    axis.setAttribute("x1", String(pad)); axis.setAttribute("x2", String(W - pad));
    axis.setAttribute("y1", String(H)); axis.setAttribute("y2", String(H));
    axis.setAttribute("class", "axis");
    svg.appendChild(axis);
    const top = document.createElementNS(SVG, "text");
    top.setAttribute("x", "0"); top.setAttribute("y", "9");
    top.setAttribute("class", "ymax");
    top.textContent = max.toLocaleString("en");
    svg.appendChild(top);
    timeline.appendChild(svg);
    document.getElementById("timeline-note").textContent = "incidents per month (tallest: " + max.toLocaleString("en") + "), " + all[0] + " to " + all[all.length - 1] +
      (outside ? "; " + outside + " dated before " + lo + " or after " + hi + " (data problems) not plotted" : "") +
      (undated ? "; " + undated + " undated (no report gives a date) not plotted" : "") +
      (byReport ? "; " + byReport + " dated by their reports' publication (their text gives no date)" : "");
  }

  // ---------------------------------------------------------------- the list
  function drawList(items) {
    listBody.textContent = "";
    const shown = items.slice(0, 500);
    for (const r of shown) {
      const tr = document.createElement("tr");
      tr.className = "incident";
      tr.dataset.perpetrators = r.perpetrators || "";
      const cells = [r.date_start || "?", r.place_name || "", range(r.killed_min, r.killed_max, r.killed_plus, r.killed_vague),
        label("actor", r.perpetrators), label("means", r.means), label("grades", r.grade),
        r.contested_by ? String(r.contested_by) : ""];
      cells.forEach((text, i) => {
        const td = document.createElement("td");
        if (i === 0) {
          const a = document.createElement("a");
          a.href = "/incidents/" + encodeURIComponent(r.id);
          a.textContent = text;
          td.appendChild(a);
        } else {
          td.textContent = text;
        }
        tr.appendChild(td);
      });
      listBody.appendChild(tr);
    }
    return shown.length;
  }

  // ---------------------------------------------------------------- filters -> map, timeline, list
  // The server answers the words filter (it searches the claims' text) and sends every incident that
  // matches it; the other filters are applied here, with the ledger's own rules (Ledger.incident_filter),
  // so that changing them redraws without a round trip. When the server had to cut its answer (more than
  // it sends at once), every filter goes to the server instead.
  let seq = 0;
  let base = null; // {q, total, truncated, items} of the last server answer
  const markerOf = new Map(); // incident id -> its marker, built once
  function params() {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) {
      if (v) p.set(k, String(v));
    }
    return p;
  }

  function keep(r, p, anyTime) {
    const has = (list, id) => ("," + (list || "") + ",").includes("," + id + ",");
    if (p.get("admin1") && r.admin1 !== p.get("admin1")) return false;
    if (p.get("perpetrator") && !has(r.perpetrators, p.get("perpetrator"))) return false;
    if (p.get("means") && !has(r.means, p.get("means"))) return false;
    if (p.get("target") && !has(r.targets, p.get("target"))) return false;
    if (p.get("grade") && r.grade !== p.get("grade")) return false;
    if (anyTime) return true;
    if (p.get("since") && !(r.date_end && r.date_end >= p.get("since"))) return false;
    if (p.get("until") && !(r.date_start && r.date_start <= p.get("until"))) return false;
    return true;
  }

  function markerFor(r) {
    let m = markerOf.get(r.id);
    if (m) return m;
    // area ∝ killed, capped: one large figure must not paint over the country
    const rad = Math.min(MAX_RADIUS, 4 + Math.sqrt(r.killed_max || r.killed_min || 0) * 1.6);
    const c = colour(r.perpetrators);
    m = L.circleMarker([r.lat, r.lon], { radius: rad, color: c, weight: 1, fillColor: c, fillOpacity: 0.55,
      className: "incident-marker", perp: (r.perpetrators || "").split(",")[0] });
    // built when first shown, not for every marker on every filter change
    m.bindPopup(() => popup(r));
    m.bindTooltip(() => {
      const tip = document.createElement("span");
      tip.textContent = (r.date_start || "?") + " " + (r.place_name || "");
      return tip;
    }, { sticky: true });
    markerOf.set(r.id, m);
    return m;
  }

  // ``context``: the incidents the other filters keep at any date, for the timeline, so that a brushed
  // period is seen against the whole span (the server's answer when it filters)
  function draw(items, total, truncated, context) {
    current = items;
    cluster.clearLayers();
    const markers = [];
    let coarse = 0;
    for (const r of items) {
      if (r.lat === null || r.lon === null) continue;
      if (r.where_prec !== null && r.where_prec >= 4) { coarse += 1; continue; } // a governorate or country: not a point
      markers.push(markerFor(r));
    }
    cluster.addLayers(markers);
    drawChoropleth();
    drawTimeline(context || items);
    const n = drawList(items);
    count.textContent = total.toLocaleString("en") + " matching" +
      (n < total ? ", first " + n.toLocaleString("en") + " listed" : "") +
      (truncated ? " (map shows the first " + items.length.toLocaleString("en") + ")" : "") + ", " +
      markers.length.toLocaleString("en") + " on the map" +
      (coarse ? "; " + coarse.toLocaleString("en") + (coarse === 1 ? " is" : " are") +
        " known only to a governorate or country: listed, not drawn as a point" : "");
    document.body.dataset.loading = "";
    document.body.dataset.total = String(total);
  }

  function load() {
    const p = params();
    const mine = ++seq;
    history.replaceState(null, "", p.toString() ? "?" + p.toString() : location.pathname);
    document.body.dataset.loading = "1";
    const q = p.get("q") || "";
    if (base && base.q === q && !base.truncated) {
      const context = base.items.filter((r) => keep(r, p, true));
      const items = context.filter((r) => keep(r, p));
      requestAnimationFrame(() => { if (mine === seq) draw(items, items.length, false, context); });
      return;
    }
    if (base && base.q === q) { // the server's answer for these words was cut: it filters
      fetch("/api/map?" + p.toString()).then((r) => r.json()).then((data) => {
        if (mine === seq) draw(data.items || [], data.total, data.truncated);
      });
      return;
    }
    fetch("/api/map?" + new URLSearchParams(q ? { q: q } : {}).toString()).then((r) => r.json()).then((data) => {
      if (mine !== seq) return; // a newer filter won
      base = { q: q, truncated: data.truncated, items: data.truncated ? [] : data.items || [] };
      if (data.truncated) { // more than the server sends at once: it filters from now on
        if (Array.from(p.keys()).every((k) => k === "q")) draw(data.items || [], data.total, true);
        else load();
        return;
      }
      const context = base.items.filter((r) => keep(r, p, true));
      const items = context.filter((r) => keep(r, p));
      draw(items, items.length, false, context);
    });
  }

  // keyboard: "/" to the words filter, j / k through the listed incidents (Enter opens one), Escape back
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    const typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
    if (ev.key === "/" && !typing) {
      ev.preventDefault();
      form.elements.q.focus();
      return;
    }
    if (ev.key === "Escape" && typing) { t.blur(); return; }
    if (typing || ev.altKey || ev.ctrlKey || ev.metaKey || (ev.key !== "j" && ev.key !== "k")) return;
    const links = Array.from(listBody.querySelectorAll("tr.incident td:first-child a"));
    if (!links.length) return;
    const i = links.indexOf(document.activeElement);
    const next = ev.key === "j" ? Math.min(links.length - 1, i + 1) : Math.max(0, i < 0 ? 0 : i - 1);
    ev.preventDefault();
    links[next].focus();
    links[next].closest("tr").scrollIntoView({ block: "nearest" });
  });

  // filters from the address bar, so a filtered view can be shared
  const initial = new URLSearchParams(location.search);
  for (const [k, v] of initial.entries()) {
    if (form.elements[k]) form.elements[k].value = v;
  }
  form.addEventListener("change", load);
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  form.elements.q.addEventListener("input", () => {
    clearTimeout(form._t);
    form._t = setTimeout(load, 300);
  });
  form.addEventListener("reset", () => setTimeout(load, 0));
  load();
})();
